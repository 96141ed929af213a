package dev.unfold.examples.classify;

import dev.unfold.examples.common.Batches;
import dev.unfold.examples.common.Charts;
import dev.unfold.examples.common.CommonOptions;
import dev.unfold.examples.common.Dumps;
import dev.unfold.examples.common.Vocabulary;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.attention.AttentionPooling;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.layer.Embedding;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Bidirectional;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq2seq.Prediction;
import dev.unfold.nn.train.Checkpoint;
import dev.unfold.nn.train.History;
import dev.unfold.nn.train.Progress;
import dev.unfold.nn.train.Trainer;
import dev.unfold.nn.train.TrainerConfig;
import dev.unfold.nn.train.TrainingTask;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.math3.random.Well19937c;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./unfold classify}: many-to-one classification of reviews with a bidirectional GRU and
 * attention pooling; prints each word's attention weight for a few test reviews.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = "Sequence classifier with attention pooling; prints each word's attention weight.")
public final class Classify implements Callable<Integer>, TrainingTask<Reviews.Review> {
  @Mixin CommonOptions common = new CommonOptions();

  @Option(names = "--hidden", description = "hidden units per direction (default: ${DEFAULT-VALUE})")
  int hidden = 24;

  PrintStream out = System.out;

  private Vocabulary words;
  private Embedding embedding;
  private SequenceLayer encoder;
  private AttentionPooling pooling;
  private Linear head;

  /** Logits [B×2] and the attention weights [T×B]. */
  record Forward(Node logits, Node weights) {}

  @Override
  public Integer call() throws Exception {
    Path dir = common.out("classify");
    words = new Vocabulary(Reviews.vocabulary());
    Params p = Params.seeded("classify", common.seed);
    embedding = new Embedding(p.child("embedding"), words.size(), 16);
    encoder = new Bidirectional(new GruCell(p.child("forward"), 16, hidden), new GruCell(p.child("backward"), 16, hidden),
        Bidirectional.Merge.CONCAT);
    pooling = new AttentionPooling(p.child("attention"), 2 * hidden);
    head = new Linear(p.child("head"), 2 * hidden, 2);
    Well19937c rng = new Well19937c(common.seed);
    List<Reviews.Review> train = Reviews.generate(rng, 4000);
    List<Reviews.Review> test = Reviews.generate(rng, 500);
    Trainer<Reviews.Review> trainer = new Trainer<>(this, Optimizer.adam(p.all(), 0.01), LearningRateSchedule.constant(0.01),
        TrainerConfig.defaults().withEpochs(100).withMaxSteps(common.steps(400)).withBatchSize(32).withValidation(0.1)
            .withSeed(common.seed).withDType(common.dtype).withProgress(common.quiet ? Progress.Mode.QUIET : Progress.Mode.AUTO)
            .withMetricsCsv(dir.resolve("metrics.csv")));
    trainer.output(out);
    History h = trainer.fit(train);
    Forward f = forward(Graph.inference(), test);
    int[] predicted = Prediction.argmax(f.logits().value());
    int right = 0;
    for (int b = 0; b < test.size(); b++) {
      right += predicted[b] == test.get(b).label() ? 1 : 0;
    }
    out.printf(Locale.ROOT, "classify: accuracy %.1f%% on %d test reviews; attention weight of each word:%n",
        100.0 * right / test.size(), test.size());
    Tensor weights = f.weights().value();
    for (int b = 0; b < 4; b++) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  [%s → %s] ",
          test.get(b).label() == 1 ? "positive" : "negative", predicted[b] == 1 ? "positive" : "negative"));
      List<String> w = test.get(b).words();
      for (int t = 0; t < w.size(); t++) {
        sb.append(String.format(Locale.ROOT, "%s(%.2f) ", w.get(t), weights.get(t, b)));
      }
      out.println(sb.toString().trim());
    }
    Charts.lossCurve(h, "classify: training loss", dir.resolve("loss.png"));
    Checkpoint.save(dir.resolve("model.safetensors"), p, Checkpoint.Extras.none());
    if (common.dump().isPresent()) {
      Graph g = Dumps.graph();
      Dumps.write(common.dump().get(), g, loss(g, train.subList(0, 4), new HashMap<>()), "h", out, "update_gate", "reset_gate");
    }
    return 0;
  }

  Forward forward(Graph g, List<Reviews.Review> batch) {
    List<int[]> ids = batch.stream().map(r -> r.words().stream().mapToInt(words::id).toArray()).toList();
    Lengths lengths = Batches.lengths(ids);
    Node states = encoder.run(g, embedding.apply(g, g.constant("words", Batches.timeMajor(ids, 0))), lengths, null).outputs();
    AttentionPooling.Result pooled = pooling.apply(g, states, lengths);
    return new Forward(head.apply(g, pooled.pooled()), pooled.weights());
  }

  @Override
  public Node loss(Graph g, List<Reviews.Review> batch, Map<String, Double> metrics) {
    double[] labels = batch.stream().mapToDouble(Reviews.Review::label).toArray();
    return Losses.softmaxCrossEntropy(g, forward(g, batch).logits(), Tensors.of(Shape.of(labels.length), labels),
        LossOptions.mean());
  }

  @Override
  public long tokens(List<Reviews.Review> batch) {
    return batch.stream().mapToLong(r -> r.words().size()).sum();
  }
}
