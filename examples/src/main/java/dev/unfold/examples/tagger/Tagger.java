package dev.unfold.examples.tagger;

import dev.unfold.examples.common.Batches;
import dev.unfold.examples.common.Charts;
import dev.unfold.examples.common.CommonOptions;
import dev.unfold.examples.common.Dumps;
import dev.unfold.examples.common.Vocabulary;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.layer.Embedding;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Bidirectional;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq2seq.Prediction;
import dev.unfold.nn.train.Checkpoint;
import dev.unfold.nn.train.History;
import dev.unfold.nn.train.Progress;
import dev.unfold.nn.train.Trainer;
import dev.unfold.nn.train.TrainerConfig;
import dev.unfold.nn.train.TrainingTask;
import dev.unfold.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./unfold tagger}: many-to-many sequence tagging with a bidirectional LSTM, marking the
 * people and places in sentences; test sentences use names never seen in training (read as
 * {@code <unk>}), so the per-token accuracy measures what the model learned from context.
 */
@Command(name = "tagger", mixinStandardHelpOptions = true,
    description = "Bidirectional LSTM tagging people and places in sentences; reports per-token accuracy.")
public final class Tagger implements Callable<Integer>, TrainingTask<NameData.Sentence> {
  @Mixin CommonOptions common = new CommonOptions();

  @Option(names = "--hidden", description = "hidden units per direction (default: ${DEFAULT-VALUE})")
  int hidden = 32;

  PrintStream out = System.out;

  private Vocabulary words;
  private Embedding embedding;
  private SequenceLayer encoder;
  private Linear head;
  private RandomGenerator dropWords;

  @Override
  public Integer call() throws Exception {
    Path dir = common.out("tagger");
    RandomGenerator rng = new Well19937c(common.seed);
    words = new Vocabulary(NameData.trainingWords());
    Params p = Params.seeded("tagger", common.seed);
    embedding = new Embedding(p.child("embedding"), words.size(), 24);
    encoder = new Bidirectional(new LstmCell(p.child("forward"), 24, hidden), new LstmCell(p.child("backward"), 24, hidden),
        Bidirectional.Merge.CONCAT);
    head = new Linear(p.child("head"), 2 * hidden, NameData.TAGS.size());
    dropWords = new Well19937c(common.seed + 1);
    List<NameData.Sentence> train = NameData.generate(rng, 4000, true);
    List<NameData.Sentence> test = NameData.generate(rng, 500, false);
    int steps = common.steps(400);
    Trainer<NameData.Sentence> trainer = new Trainer<>(this, Optimizer.adam(p.all(), 0.01), LearningRateSchedule.constant(0.01),
        TrainerConfig.defaults().withEpochs(100).withMaxSteps(steps).withBatchSize(32).withValidation(0.1).withSeed(common.seed).withDType(common.dtype)
            .withProgress(common.quiet ? Progress.Mode.QUIET : Progress.Mode.AUTO).withMetricsCsv(dir.resolve("metrics.csv")));
    trainer.output(out);
    History h = trainer.fit(train);
    double accuracy = accuracy(test);
    out.printf(Locale.ROOT, "tagger: per-token accuracy %.1f%% on %d test sentences whose names never occur in training%n",
        100 * accuracy, test.size());
    for (NameData.Sentence s : test.subList(0, 3)) {
      out.println("  " + show(s));
    }
    Charts.lossCurve(h, "tagger: training loss", dir.resolve("loss.png"));
    Checkpoint.save(dir.resolve("model.safetensors"), p, Checkpoint.Extras.none());
    if (common.dump().isPresent()) {
      Graph g = Dumps.graph();
      Dumps.write(common.dump().get(), g, loss(g, train.subList(0, 4), new HashMap<>()), "h", out, "forget_gate", "input_gate");
    }
    return 0;
  }

  private Node logits(Graph g, List<int[]> ids) {
    Node x = embedding.apply(g, g.constant("words", Batches.timeMajor(ids, 0)));
    return head.apply(g, encoder.run(g, x, Batches.lengths(ids), null).outputs());
  }

  /** Word ids; in training, a known name is read as {@code <unk>} one time in five, so context must carry it. */
  private List<int[]> ids(List<NameData.Sentence> batch, boolean training) {
    List<int[]> out = new ArrayList<>();
    for (NameData.Sentence s : batch) {
      int[] ids = new int[s.words().size()];
      for (int i = 0; i < ids.length; i++) {
        boolean name = s.tags().get(i) != 0;
        ids[i] = training && name && dropWords.nextDouble() < 0.2 ? 0 : words.id(s.words().get(i));
      }
      out.add(ids);
    }
    return out;
  }

  private static List<int[]> tags(List<NameData.Sentence> batch) {
    return batch.stream().map(s -> s.tags().stream().mapToInt(Integer::intValue).toArray()).toList();
  }

  @Override
  public Node loss(Graph g, List<NameData.Sentence> batch, Map<String, Double> metrics) {
    List<int[]> tags = tags(batch);
    return Losses.softmaxCrossEntropy(g, logits(g, ids(batch, g.isGradEnabled())), Batches.timeMajor(tags, 0),
        LossOptions.mean().withMask(Batches.mask(tags)));
  }

  @Override
  public long tokens(List<NameData.Sentence> batch) {
    return batch.stream().mapToLong(s -> s.words().size()).sum();
  }

  double accuracy(List<NameData.Sentence> sentences) {
    List<int[]> tags = tags(sentences);
    Tensor logits = logits(Graph.inference(), ids(sentences, false)).value();
    int right = 0;
    int total = 0;
    for (int b = 0; b < sentences.size(); b++) {
      for (int t = 0; t < tags.get(b).length; t++) {
        right += argmax(logits, t, b) == tags.get(b)[t] ? 1 : 0;
        total++;
      }
    }
    return right / (double) total;
  }

  private String show(NameData.Sentence s) {
    Tensor logits = logits(Graph.inference(), ids(List.of(s), false)).value();
    StringBuilder sb = new StringBuilder();
    for (int t = 0; t < s.words().size(); t++) {
      int tag = argmax(logits, t, 0);
      sb.append(s.words().get(t)).append(tag == 0 ? "" : "/" + NameData.TAGS.get(tag)).append(' ');
    }
    return sb.toString().trim();
  }

  private static int argmax(Tensor logits, int t, int b) {
    Tensor row = logits.slice(0, t, t + 1).slice(1, b, b + 1).reshape(dev.unfold.tensor.Shape.of(1, logits.shape().dim(2)));
    return Prediction.argmax(row)[0];
  }
}
