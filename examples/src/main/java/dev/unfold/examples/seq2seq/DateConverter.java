package dev.unfold.examples.seq2seq;

import dev.unfold.examples.common.Batches;
import dev.unfold.examples.common.Charts;
import dev.unfold.examples.common.CommonOptions;
import dev.unfold.examples.common.Dumps;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.attention.AdditiveAttention;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.decode.Decoding;
import dev.unfold.nn.decode.Generated;
import dev.unfold.nn.decode.StopRule;
import dev.unfold.nn.layer.Embedding;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Bidirectional;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq2seq.AttentionDecoder;
import dev.unfold.nn.seq2seq.Conditioning;
import dev.unfold.nn.seq2seq.Feedback;
import dev.unfold.nn.seq2seq.Prediction;
import dev.unfold.nn.seq2seq.TeacherForcing;
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
import java.util.ArrayList;
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
 * {@code ./unfold seq2seq}: an encoder-decoder with additive attention that converts dates
 * written in many human formats to ISO form, trained with teacher forcing, decoded open-loop
 * (greedy); writes one example's attention matrix as a PNG heat map.
 */
@Command(name = "seq2seq", mixinStandardHelpOptions = true,
    description = "Encoder-decoder with attention converting human-written dates to ISO form; "
        + "trained with teacher forcing, decoded open-loop; writes the attention matrix as a PNG heat map.")
public final class DateConverter implements Callable<Integer>, TrainingTask<Dates.Pair> {
  private static final String OUTPUT = "0123456789-";
  private static final int START = OUTPUT.length();
  private static final int END = START + 1;
  private static final int VOCAB = END + 1;

  @Mixin CommonOptions common = new CommonOptions();

  @Option(names = "--hidden", description = "encoder units per direction (default: ${DEFAULT-VALUE})")
  int hidden = 32;

  PrintStream out = System.out;

  private Embedding embedding;
  private SequenceLayer encoder;
  private Conditioning conditioning;
  private AttentionDecoder decoder;

  @Override
  public Integer call() throws Exception {
    Path dir = common.out("seq2seq");
    Params p = Params.seeded("dates", common.seed);
    embedding = new Embedding(p.child("embedding"), Dates.inputCharacters().length(), 16);
    encoder = new Bidirectional(new GruCell(p.child("encoder_forward"), 16, hidden),
        new GruCell(p.child("encoder_backward"), 16, hidden), Bidirectional.Merge.CONCAT);
    int keys = 2 * hidden;
    conditioning = new Conditioning(p.child("decoder"), Conditioning.Mode.INITIAL_STATE, keys, keys);
    decoder = new AttentionDecoder(p.child("decoder"), AttentionDecoder.Style.BAHDANAU, VOCAB, 16,
        new GruCell(p.child("decoder").child("gru"), 16 + keys, keys),
        new AdditiveAttention(p.child("decoder").child("attention"), keys, keys, 32), VOCAB);
    Well19937c rng = new Well19937c(common.seed);
    List<Dates.Pair> train = Dates.generate(rng, 20_000);
    List<Dates.Pair> test = Dates.generate(rng, 500);
    Trainer<Dates.Pair> trainer = new Trainer<>(this, Optimizer.adam(p.all(), 0.005), LearningRateSchedule.constant(0.005),
        TrainerConfig.defaults().withEpochs(100).withMaxSteps(common.steps(1200)).withBatchSize(32).withClipNorm(5)
            .withSeed(common.seed).withDType(common.dtype).withProgress(common.quiet ? Progress.Mode.QUIET : Progress.Mode.AUTO)
            .withMetricsCsv(dir.resolve("metrics.csv")));
    trainer.output(out);
    History h = trainer.fit(train);

    Graph g = Graph.inference();
    Encoded e = encode(g, test);
    List<Generated> decoded = Decoding.greedy(g, e.step(), e.initial(), new Decoding.Setup(VOCAB, START, StopRule.endToken(END), 12));
    int right = 0;
    for (int b = 0; b < test.size(); b++) {
      right += text(decoded.get(b).tokens()).equals(test.get(b).iso()) ? 1 : 0;
    }
    out.printf(Locale.ROOT, "seq2seq: %.1f%% of %d test dates converted exactly, decoded open-loop%n",
        100.0 * right / test.size(), test.size());
    for (int b = 0; b < 5; b++) {
      out.printf(Locale.ROOT, "  %-32s → %s%n", test.get(b).human(), text(decoded.get(b).tokens()));
    }
    heatMap(test.get(0), dir.resolve("attention.png"));
    Charts.lossCurve(h, "seq2seq: training loss", dir.resolve("loss.png"));
    Checkpoint.save(dir.resolve("model.safetensors"), p, Checkpoint.Extras.none());
    out.println("wrote " + dir.resolve("attention.png") + ", loss.png, metrics.csv, model.safetensors");
    if (common.dump().isPresent()) {
      Graph dg = Dumps.graph();
      Dumps.write(common.dump().get(), dg, loss(dg, train.subList(0, 4), new HashMap<>()), "h", out, "update_gate", "reset_gate");
    }
    return 0;
  }

  private record Encoded(AttentionDecoder.Bound step, State initial) {}

  private Encoded encode(Graph g, List<Dates.Pair> batch) {
    List<int[]> ids = batch.stream().map(d -> d.human().chars().map(Dates.inputCharacters()::indexOf).toArray()).toList();
    for (int[] s : ids) {
      for (int c : s) {
        if (c < 0) {
          throw new IllegalArgumentException("a date holds a character outside " + Dates.inputCharacters());
        }
      }
    }
    Lengths lengths = Batches.lengths(ids);
    SequenceLayer.Output enc = encoder.run(g, embedding.apply(g, g.constant("chars", Batches.timeMajor(ids, 0))), lengths, null);
    Node context = g.concat(1, enc.finalStates().get(0).h(), enc.finalStates().get(1).h());
    return new Encoded(decoder.bind(g, enc.outputs(), lengths), conditioning.initialState(g, context, decoder.cell()));
  }

  private static int[] target(Dates.Pair d) {
    int[] t = new int[d.iso().length() + 1];
    for (int i = 0; i < d.iso().length(); i++) {
      t[i] = OUTPUT.indexOf(d.iso().charAt(i));
    }
    t[d.iso().length()] = END;
    return t;
  }

  private TeacherForcing.Result decode(Graph g, List<Dates.Pair> batch, Encoded e) {
    List<Node> targets = new ArrayList<>();
    for (int t = 0; t < 11; t++) {
      final int step = t;
      targets.add(g.constant("target", Prediction.oneHot(batch.stream().mapToInt(d -> target(d)[step]).toArray(), VOCAB)));
    }
    int[] start = new int[batch.size()];
    java.util.Arrays.fill(start, START);
    return TeacherForcing.run(g, e.step(), g.constant("start", Prediction.oneHot(start, VOCAB)), targets, e.initial(),
        Feedback.always(), Prediction.argmaxOneHot());
  }

  @Override
  public Node loss(Graph g, List<Dates.Pair> batch, Map<String, Double> metrics) {
    TeacherForcing.Result r = decode(g, batch, encode(g, batch));
    double[] tokens = new double[11 * batch.size()];
    for (int b = 0; b < batch.size(); b++) {
      int[] t = target(batch.get(b));
      for (int s = 0; s < 11; s++) {
        tokens[s * batch.size() + b] = t[s];
      }
    }
    return Losses.softmaxCrossEntropy(g, r.stacked(g), Tensors.of(Shape.of(11, batch.size()), tokens), LossOptions.mean());
  }

  @Override
  public long tokens(List<Dates.Pair> batch) {
    return batch.stream().mapToLong(d -> d.human().length() + 11).sum();
  }

  private void heatMap(Dates.Pair example, Path png) throws java.io.IOException {
    Graph g = Graph.inference();
    Encoded e = encode(g, List.of(example));
    Generated gen = Decoding.greedy(g, e.step(), e.initial(), new Decoding.Setup(VOCAB, START, StopRule.endToken(END), 12)).get(0);
    List<Node> weights = e.step().weights();
    int rows = Math.min(weights.size(), gen.tokens().length);
    double[][] values = new double[rows][];
    List<String> rowLabels = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      Tensor w = weights.get(r).value();
      values[r] = w.toArray();
      rowLabels.add(String.valueOf(OUTPUT.charAt(gen.tokens()[r])));
    }
    List<String> columns = example.human().chars().mapToObj(c -> c == ' ' ? "␣" : String.valueOf((char) c)).toList();
    Charts.heatMap(values, rowLabels, columns, "attention: \"" + example.human() + "\" → " + text(gen.tokens()), png);
  }

  private static String text(int[] tokens) {
    StringBuilder sb = new StringBuilder();
    for (int t : tokens) {
      sb.append(t < OUTPUT.length() ? OUTPUT.charAt(t) : '?');
    }
    return sb.toString();
  }
}
