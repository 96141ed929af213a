package dev.unfold.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  /**
   * Must show: an LSTM trained with this loop learns the adding problem (T = 10) to at least 90%
   * accuracy (|prediction − sum| &lt; 0.04) on held-out sequences within 1,500 updates.
   */
  @Test
  void lstmLearnsTheAddingProblem() {
    AddingProblem task = new AddingProblem(1, 10, 16);
    List<AddingProblem.Example> data = AddingProblem.examples(new Well19937c(2), 8000, 10);
    Optimizer adam = Optimizer.adam(task.params.all(), 0.01);
    Trainer<AddingProblem.Example> trainer = new Trainer<>(task, adam, LearningRateSchedule.cosine(0.01, 0.001, 1500),
        TrainerConfig.defaults().withEpochs(100).withMaxSteps(1500).withBatchSize(32).withValidation(0.1).withClipNorm(1)
            .withProgress(Progress.Mode.QUIET));
    History h = trainer.fit(data);
    List<AddingProblem.Example> test = AddingProblem.examples(new Well19937c(3), 500, 10);
    Map<String, Double> metrics = new java.util.HashMap<>();
    double mse = task.loss(Graph.inference(), test, metrics).value().item();
    System.out.printf("adding problem (T=10): test accuracy %.3f, test mse %.5f after %d updates%n",
        metrics.get("accuracy"), mse, h.steps().size());
    assertTrue(metrics.get("accuracy") >= 0.9, "accuracy " + metrics.get("accuracy") + ", mse " + mse
        + " after " + h.steps().size() + " steps");
    assertTrue(mse < 0.01, "mse " + mse);
    assertEquals("max steps", h.stopReason());
  }

  private static History smallRun(long seed, TrainerConfig config, ByteArrayOutputStream sink) {
    AddingProblem task = new AddingProblem(seed, 6, 4);
    List<AddingProblem.Example> data = AddingProblem.examples(new Well19937c(seed), 200, 6);
    Trainer<AddingProblem.Example> t = new Trainer<>(task, Optimizer.adam(task.params.all(), 0.01),
        LearningRateSchedule.constant(0.01), config);
    t.output(new PrintStream(sink, true, StandardCharsets.UTF_8));
    return t.fit(data);
  }

  @Test
  void sameSeedGivesTheSameLossCurveBitForBit() {
    TrainerConfig c = TrainerConfig.defaults().withEpochs(3).withBatchSize(16).withValidation(0.2).withProgress(Progress.Mode.QUIET);
    double[] a = smallRun(5, c, new ByteArrayOutputStream()).losses();
    double[] b = smallRun(5, c, new ByteArrayOutputStream()).losses();
    assertArrayEquals(a, b);
    assertEquals(3 * 10, a.length);  // 160 training examples, batches of 16
  }

  @Test
  void linesProgressValidationAndCsv(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Path csv = dir.resolve("out/metrics.csv");
    History h = smallRun(6, TrainerConfig.defaults().withEpochs(2).withBatchSize(20).withValidation(0.25)
        .withProgress(Progress.Mode.LINES).withLogEvery(4).withMetricsCsv(csv), sink);
    String printed = sink.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("step 4/16  epoch 1  loss"), printed);
    assertTrue(printed.contains("epoch 2: train loss"), printed);
    assertTrue(printed.contains("validation loss"), printed);
    assertEquals(2, h.epochs().size());
    assertTrue(h.epochs().get(1).validationLoss().isPresent());
    List<String> lines = Files.readAllLines(csv);
    assertEquals("step,epoch,loss,grad_norm,learning_rate,tokens_per_second,accuracy,validation_loss", lines.get(0));
    assertEquals(17, lines.size());
    assertTrue(lines.get(8).matches("8,1,[^,]+,[^,]+,0\\.01,[^,]+,[^,]+,[0-9.E-]+"), lines.get(8));
    assertTrue(lines.get(7).endsWith(","), lines.get(7));

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    smallRun(6, TrainerConfig.defaults().withEpochs(1).withProgress(Progress.Mode.QUIET), quiet);
    assertEquals("", quiet.toString(StandardCharsets.UTF_8));
  }

  @Test
  void earlyStoppingRestoresTheBestParameters() {
    // A learning rate far too high makes the validation loss stop improving quickly.
    AddingProblem task = new AddingProblem(7, 6, 4);
    List<AddingProblem.Example> data = AddingProblem.examples(new Well19937c(8), 100, 6);
    Trainer<AddingProblem.Example> t = new Trainer<>(task, Optimizer.adam(task.params.all(), 0.5), LearningRateSchedule.constant(0.5),
        TrainerConfig.defaults().withEpochs(50).withBatchSize(10).withValidation(0.3).withEarlyStopping(2, true)
            .withProgress(Progress.Mode.QUIET));
    History h = t.fit(data);
    assertEquals("early stopping", h.stopReason());
    assertTrue(h.epochs().size() < 50);
    double best = h.epochs().stream().mapToDouble(e -> e.validationLoss().getAsDouble()).min().orElseThrow();
    List<AddingProblem.Example> val = t.split(data).validation();
    double restored = task.loss(Graph.inference(), val, new java.util.HashMap<>()).value().item();
    assertEquals(best, restored, 1e-12);
  }

  @Test
  void aCallbackCanStopTheRunAndNonFiniteLossFailsClearly() {
    AddingProblem task = new AddingProblem(9, 6, 4);
    List<AddingProblem.Example> data = AddingProblem.examples(new Well19937c(9), 100, 6);
    Trainer<AddingProblem.Example> t = new Trainer<>(task, Optimizer.adam(task.params.all(), 0.01), LearningRateSchedule.constant(0.01),
        TrainerConfig.defaults().withEpochs(5).withBatchSize(10).withProgress(Progress.Mode.QUIET));
    int[] seen = new int[1];
    t.addCallback(new Callback() {
      @Override public void onStep(Trainer<?> trainer, History.Step step) { seen[0]++; }
      @Override public java.util.Optional<String> stopReason() {
        return seen[0] >= 3 ? java.util.Optional.of("enough") : java.util.Optional.empty();
      }
    });
    History h = t.fit(data);
    assertEquals("enough", h.stopReason());
    assertEquals(3, h.steps().size());

    TrainingTask<Integer> nan = (g, batch, metrics) -> g.variable("w", dev.unfold.tensor.Tensors.scalar(0)).log().neg();
    Trainer<Integer> bad = new Trainer<>(nan, Optimizer.adam(List.of(), 0.1), LearningRateSchedule.constant(0.1),
        TrainerConfig.defaults().withProgress(Progress.Mode.QUIET));
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> bad.fit(List.of(1, 2, 3)));
    assertTrue(e.getMessage().contains("the loss is Infinity at step 1"), e.getMessage());
  }
}
