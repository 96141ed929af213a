package dev.unfold.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.unfold.tensor.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The benchmarked training steps give the same losses fused as unfused (the cells' update as one
 * op or as a graph of primitives), and in float32 as in float64: three
 * consecutive SGD steps of each model, std and small, agree to a relative 1e-4 (float32 keeps
 * about 7 digits; a std step sums 1,600 cross-entropies over products with k = 320), while not
 * being bit-identical (so the float32 graph really computes in float32).
 */
class TrainingTaskPrecisionTest {
  /**
   * Fused and unfused steps agree to a relative 1e-12: the forward values are bit-identical and
   * the gradients differ only in the rounding of the sums the fused backward forms differently.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"gru, STD", "lstm, STD", "gru, SMALL", "lstm, SMALL"})
  void fusedStepsGiveTheUnfusedLosses(String cell, TrainingTask.Config config) {
    TrainingTask unfused = new TrainingTask(cell, config, DType.FLOAT64, 0).withFusedOps(false);
    TrainingTask fused = new TrainingTask(cell, config, DType.FLOAT64, 0);
    assertEquals(unfused.forward(), fused.forward(), 0.0, "forward values are the same operations in the same order");
    for (int step = 0; step < 3; step++) {
      double expected = unfused.step();
      assertEquals(expected, fused.step(), 1e-12 * Math.abs(expected), cell + " " + config + " step " + step);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"rnn, STD", "gru, STD", "lstm, STD", "rnn, SMALL", "gru, SMALL", "lstm, SMALL"})
  void float32StepsGiveTheFloat64Losses(String cell, TrainingTask.Config config) {
    TrainingTask wide = new TrainingTask(cell, config, DType.FLOAT64, 0);
    TrainingTask narrow = new TrainingTask(cell, config, DType.FLOAT32, 0);
    for (int step = 0; step < 3; step++) {
      double expected = wide.step();
      double got = narrow.step();
      assertEquals(expected, got, 1e-4 * Math.abs(expected), cell + " " + config + " step " + step);
      assertNotEquals(expected, got, "float32 and float64 losses are bit-identical: is the graph float32?");
    }
  }
}
