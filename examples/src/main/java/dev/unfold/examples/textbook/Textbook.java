package dev.unfold.examples.textbook;

import dev.unfold.examples.common.Charts;
import dev.unfold.examples.common.CommonOptions;
import dev.unfold.examples.common.Dumps;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.ElmanCell;
import dev.unfold.nn.cell.OutputFeedbackCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Activation;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.nn.seq2seq.Feedback;
import dev.unfold.nn.seq2seq.Prediction;
import dev.unfold.nn.seq2seq.TeacherForcing;
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
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./unfold textbook}: the two RNN designs of Goodfellow, Bengio and Courville §10.2
 * side by side. The output-to-hidden recurrence can be trained with teacher forcing (each step
 * reads the true previous output, so steps decouple), but it remembers only what its output
 * says; the Elman (hidden-to-hidden) RNN needs backprop through time but can remember anything.
 * Both are trained on the same bit sequences and compared open-loop, on two tasks: running
 * parity (the output alone summarises the past) and a delayed copy {@code y_t = x_{t−2}} (it does not).
 */
@Command(name = "textbook", mixinStandardHelpOptions = true,
    description = "Output-to-hidden recurrence trained with teacher forcing vs an Elman RNN trained with BPTT, "
        + "compared open-loop on running parity and on a delayed copy.")
public final class Textbook implements Callable<Integer> {
  static final int STEPS_PER_SEQUENCE = 20;

  @Mixin CommonOptions common = new CommonOptions();

  @Option(names = "--hidden", description = "hidden units of both models (default: ${DEFAULT-VALUE})")
  int hidden = 16;

  PrintStream out = System.out;

  /** A bit task: inputs x [T×B×1] and targets y [T×B×1]. */
  enum Task {
    PARITY, DELAY;

    double[] targets(double[] x) {
      double[] y = new double[x.length];
      double parity = 0;
      for (int t = 0; t < x.length; t++) {
        parity = (parity + x[t]) % 2;
        y[t] = this == PARITY ? parity : t >= 2 ? x[t - 2] : 0;
      }
      return y;
    }
  }

  record Example(double[] x, double[] y) {}

  static List<Example> examples(Task task, RandomGenerator rng, int count) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double[] x = new double[STEPS_PER_SEQUENCE];
      for (int t = 0; t < x.length; t++) {
        x[t] = rng.nextBoolean() ? 1 : 0;
      }
      out.add(new Example(x, task.targets(x)));
    }
    return out;
  }

  /** Time-major [T×B×1] from per-example sequences. */
  static Tensor timeMajor(List<Example> batch, boolean targets) {
    double[] d = new double[STEPS_PER_SEQUENCE * batch.size()];
    for (int b = 0; b < batch.size(); b++) {
      double[] v = targets ? batch.get(b).y() : batch.get(b).x();
      for (int t = 0; t < STEPS_PER_SEQUENCE; t++) {
        d[t * batch.size() + b] = v[t];
      }
    }
    return Tensors.of(Shape.of(STEPS_PER_SEQUENCE, batch.size(), 1), d);
  }

  /** Output feedback: h_t = tanh(x_t W + ŷ_{t−1} U + b), ŷ_t = σ(h_t V + c); the state is ŷ. */
  static final class FeedbackModel implements TrainingTask<Example> {
    final Params params;
    final OutputFeedbackCell cell;

    FeedbackModel(int hidden, long seed) {
      params = Params.seeded("output_feedback", seed);
      cell = new OutputFeedbackCell(params, 1, hidden, 1, Activation.SIGMOID);
    }

    /** Predictions [T×B×1], reading the true previous targets (teacher forcing) or its own outputs. */
    Node predict(Graph g, List<Example> batch, Feedback feedback) {
      Tensor x = timeMajor(batch, false);
      Tensor y = timeMajor(batch, true);
      int b = batch.size();
      List<Node> targets = new ArrayList<>();
      for (int t = 0; t < STEPS_PER_SEQUENCE; t++) {
        targets.add(g.constant("y", y.slice(0, t, t + 1).reshape(Shape.of(b, 1))));
      }
      TeacherForcing.Step step = (graph, t, previous, state) -> {
        State next = cell.step(graph, graph.constant("x", x.slice(0, t, t + 1).reshape(Shape.of(b, 1))), State.of(previous));
        return new TeacherForcing.Output(next.h(), next);
      };
      Node start = g.constant("y_start", Tensors.zeros(b, 1));
      return TeacherForcing.run(g, step, start, targets, State.of(start), feedback, Prediction.identity()).stacked(g);
    }

    @Override
    public Node loss(Graph g, List<Example> batch, Map<String, Double> metrics) {
      return Losses.meanSquaredError(g, predict(g, batch, Feedback.always()), timeMajor(batch, true), LossOptions.mean());
    }
  }

  /** Elman: h_t = tanh(x_t W + h_{t−1} U + b), ŷ_t = σ(h_t V + c), trained with BPTT. */
  static final class ElmanModel implements TrainingTask<Example> {
    final Params params;
    final ElmanCell cell;
    final Linear head;

    ElmanModel(int hidden, long seed) {
      params = Params.seeded("elman", seed);
      cell = new ElmanCell(params.child("rnn"), 1, hidden);
      head = new Linear(params.child("head"), hidden, 1);
    }

    Node predict(Graph g, List<Example> batch) {
      Node h = Unroller.unroll(g, cell, g.constant("x", timeMajor(batch, false)), State.zeros(g, cell, batch.size())).outputs();
      return head.apply(g, h).sigmoid().named("y");
    }

    @Override
    public Node loss(Graph g, List<Example> batch, Map<String, Double> metrics) {
      return Losses.meanSquaredError(g, predict(g, batch), timeMajor(batch, true), LossOptions.mean());
    }
  }

  @Override
  public Integer call() throws Exception {
    Path dir = common.out("textbook");
    int steps = common.steps(800);
    out.printf(Locale.ROOT, "%-8s %-36s %10s%n", "task", "model (evaluation)", "accuracy");
    for (Task task : Task.values()) {
      Well19937c rng = new Well19937c(common.seed + task.ordinal());
      List<Example> train = examples(task, rng, 4000);
      List<Example> test = examples(task, rng, 500);
      FeedbackModel feedback = new FeedbackModel(hidden, common.seed);
      ElmanModel elman = new ElmanModel(hidden, common.seed);
      String name = task.name().toLowerCase(Locale.ROOT);
      History hf = train(feedback, feedback.params, train, steps, dir.resolve("metrics-" + name + "-output-feedback.csv"));
      History he = train(elman, elman.params, train, steps, dir.resolve("metrics-" + name + "-elman.csv"));
      Tensor y = timeMajor(test, true);
      row(task, "output feedback (teacher-forced)", accuracy(feedback.predict(Graph.inference(), test, Feedback.always()), y));
      row(task, "output feedback (open loop)", accuracy(feedback.predict(Graph.inference(), test, Feedback.never()), y));
      row(task, "elman, BPTT (open loop)", accuracy(elman.predict(Graph.inference(), test), y));
      Charts.lossCurve(hf, "textbook " + name + ": output feedback, teacher forcing", dir.resolve("loss-" + name + "-output-feedback.png"));
      Charts.lossCurve(he, "textbook " + name + ": Elman, BPTT", dir.resolve("loss-" + name + "-elman.png"));
      if (common.dump().isPresent() && task == Task.PARITY) {
        Graph g = new Graph();
        Dumps.write(common.dump().get().resolve("elman"), g, elman.loss(g, train.subList(0, 4), new HashMap<>()), "h", out);
        Graph f = new Graph();
        Dumps.write(common.dump().get().resolve("output-feedback"), f, feedback.loss(f, train.subList(0, 4), new HashMap<>()), "h", out);
      }
    }
    out.println("wrote loss curves and metrics CSV to " + dir);
    return 0;
  }

  private History train(TrainingTask<Example> task, Params params, List<Example> train, int steps, Path csv) {
    Trainer<Example> t = new Trainer<>(task, Optimizer.adam(params.all(), 0.01), LearningRateSchedule.constant(0.01),
        TrainerConfig.defaults().withEpochs(100).withMaxSteps(steps).withBatchSize(32).withSeed(common.seed).withDType(common.dtype)
            .withProgress(common.quiet ? Progress.Mode.QUIET : Progress.Mode.AUTO).withMetricsCsv(csv));
    t.output(out);
    return t.fit(train);
  }

  private void row(Task task, String model, double accuracy) {
    out.printf(Locale.ROOT, "%-8s %-36s %9.1f%%%n", task.name().toLowerCase(Locale.ROOT), model, 100 * accuracy);
  }

  /** Share of steps whose prediction is on the right side of one half. */
  static double accuracy(Node predictions, Tensor targets) {
    Tensor p = predictions.value();
    int right = 0;
    for (int i = 0; i < p.size(); i++) {
      right += (p.getFlat(i) > 0.5) == (targets.getFlat(i) > 0.5) ? 1 : 0;
    }
    return right / (double) p.size();
  }
}
