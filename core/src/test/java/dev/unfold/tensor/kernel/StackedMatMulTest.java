package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MatMul#multiplyAddStacked}: {@code C += Σ_s A_sᵀ·B_s} over row blocks read in place gives
 * the bits of the plain loops on the blocks stacked into one copy, on both micro-kernel sets and
 * both element types: blocks of one row, empty blocks, k across several k blocks, and products
 * split over threads by rows and by columns.
 */
class StackedMatMulTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("RNN recurrent weight", 256, 256, repeat(50, 32)),
        Arguments.of("LSTM recurrent weight", 256, 1024, repeat(50, 32)),
        Arguments.of("few columns, empty and one-row blocks", 300, 64, new int[] {1, 0, 5, 600, 3, 0}),
        Arguments.of("64 rows", 64, 1024, repeat(50, 32)),
        Arguments.of("tiny, one thread", 7, 5, new int[] {3, 4}),
        Arguments.of("one row of C", 1, 17, new int[] {520, 1}),
        Arguments.of("batch 1", 100, 400, repeat(25, 1)));
  }

  private static int[] repeat(int blocks, int rows) {
    return IntStream.generate(() -> rows).limit(blocks).toArray();
  }

  @ParameterizedTest(name = "{0}: [{1}×{2}]")
  @MethodSource("cases")
  void floatBlocksGiveTheStackedProductsBits(String name, int n, int m, int[] rows) {
    RandomGenerator rng = new Well19937c(n * 31L + m);
    int k = Arrays.stream(rows).sum();
    float[][] a = new float[rows.length][];
    float[][] b = new float[rows.length][];
    float[] stackedA = new float[k * n];
    float[] stackedB = new float[k * m];
    for (int s = 0, at = 0; s < rows.length; at += rows[s], s++) {
      a[s] = random(rng, rows[s] * n);
      b[s] = random(rng, rows[s] * m);
      System.arraycopy(a[s], 0, stackedA, at * n, a[s].length);
      System.arraycopy(b[s], 0, stackedB, at * m, b[s].length);
    }
    float[] start = random(rng, n * m);
    float[] plain = start.clone();
    MatMul.multiplyPlain(n, k, m, stackedA, 0, true, stackedB, 0, false, plain, 0, true);
    float[] got = start.clone();
    MatMul.multiplyAddStacked(n, m, a, b, rows, got);
    assertArrayEquals(plain, got, 0f, "dispatching entry point");
    if (Kernels.vectorized()) {
      for (boolean eightByThree : new boolean[] {false, true}) {
        float[] kernel = start.clone();
        new FloatVectorMatMul(eightByThree).multiplyAddStacked(n, m, a, b, rows, kernel);
        assertArrayEquals(plain, kernel, 0f, eightByThree ? "8 × 3 kernels" : "6 × 2 kernels");
      }
    }
  }

  @ParameterizedTest(name = "{0}: [{1}×{2}]")
  @MethodSource("cases")
  void doubleBlocksGiveTheStackedProductsBits(String name, int n, int m, int[] rows) {
    RandomGenerator rng = new Well19937c(n * 37L + m);
    int k = Arrays.stream(rows).sum();
    double[][] a = new double[rows.length][];
    double[][] b = new double[rows.length][];
    double[] stackedA = new double[k * n];
    double[] stackedB = new double[k * m];
    for (int s = 0, at = 0; s < rows.length; at += rows[s], s++) {
      a[s] = doubles(rng, rows[s] * n);
      b[s] = doubles(rng, rows[s] * m);
      System.arraycopy(a[s], 0, stackedA, at * n, a[s].length);
      System.arraycopy(b[s], 0, stackedB, at * m, b[s].length);
    }
    double[] start = doubles(rng, n * m);
    double[] plain = start.clone();
    MatMul.multiplyPlain(n, k, m, stackedA, 0, true, stackedB, 0, false, plain, 0, true);
    double[] got = start.clone();
    MatMul.multiplyAddStacked(n, m, a, b, rows, got);
    assertArrayEquals(plain, got, 0.0, "dispatching entry point");
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present; only the plain loops run");
    for (boolean eightByThree : new boolean[] {false, true}) {
      double[] kernel = start.clone();
      new DoubleVectorMatMul(eightByThree).multiplyAddStacked(n, m, a, b, rows, kernel);
      assertArrayEquals(plain, kernel, 0.0, eightByThree ? "8 × 3 kernels" : "6 × 2 kernels");
    }
  }

  @Test
  void blocksTooShortForTheirRowsAreRefused() {
    float[][] a = {new float[6], new float[5]};
    float[][] b = {new float[4], new float[4]};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MatMul.multiplyAddStacked(3, 2, a, b, new int[] {2, 2}, new float[6]));
    assertTrue(e.getMessage().contains("block 1 of 2 rows needs 6 and 4 elements, has 5 and 4"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> MatMul.multiplyAddStacked(3, 2, a, b, new int[] {2}, new float[6]));
  }

  private static double[] doubles(RandomGenerator rng, int size) {
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = rng.nextDouble() * 2 - 1;
    }
    return x;
  }

  private static float[] random(RandomGenerator rng, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return x;
  }
}
