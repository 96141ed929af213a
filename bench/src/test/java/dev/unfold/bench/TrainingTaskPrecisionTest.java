package dev.unfold.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.unfold.tensor.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The benchmarked training steps give the same losses in float32 as in float64: three
 * consecutive SGD steps of each model, std and small, agree to a relative 1e-4 (float32 keeps
 * about 7 digits; a std step sums 1,600 cross-entropies over products with k = 320), while not
 * being bit-identical (so the float32 graph really computes in float32).
 */
class TrainingTaskPrecisionTest {
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
