package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row-segment sigmoid and tanh of {@link RecurrentKernels} give {@link Transcendental}'s bits
 * at any offset and length (SIMD body and scalar tail), in place as well.
 */
class RecurrentKernelsTest {

  private static double[] values(long seed, int n) {
    Well19937c rng = new Well19937c(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextGaussian() * 3;
    }
    return x;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 7, 8, 9, 17, 64, 77})
  void segmentsMatchTheScalarFormulasBitForBit(int n) {
    double[] x = values(n, n + 11);
    int from = 5;
    int to = 2;
    double[] sig = new double[n + 6];
    double[] th = new double[n + 6];
    RecurrentKernels.sigmoid(x, from, sig, to, n);
    RecurrentKernels.tanh(x, from, th, to, n);
    double[] inPlace = x.clone();
    RecurrentKernels.tanh(inPlace, from, inPlace, from, n);
    for (int k = 0; k < n; k++) {
      assertEquals(Transcendental.sigmoid(x[from + k]), sig[to + k], 0.0, "sigmoid at " + k);
      assertEquals(Transcendental.tanh(x[from + k]), th[to + k], 0.0, "tanh at " + k);
      assertEquals(Transcendental.tanh(x[from + k]), inPlace[from + k], 0.0, "tanh in place at " + k);
    }
    // Outside the segment nothing is written.
    assertEquals(0.0, sig[0], 0.0);
    assertEquals(0.0, sig[to + n], 0.0);
    assertEquals(x[from - 1], inPlace[from - 1], 0.0);
    assertEquals(x[from + n], inPlace[from + n], 0.0);
  }
}
