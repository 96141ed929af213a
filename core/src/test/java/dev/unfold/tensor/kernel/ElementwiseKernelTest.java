package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.DoubleBinaryOperator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The specialised element-wise loops against plain per-element formulas, on both kernel paths. */
class ElementwiseKernelTest {

  private static double[] values(long seed, int n, double scale) {
    Well19937c rng = new Well19937c(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextGaussian() * scale;
    }
    return x;
  }

  private static DoubleBinaryOperator reference(Elementwise.Binary op) {
    return switch (op) {
      case ADD -> (a, b) -> a + b;
      case SUB -> (a, b) -> a - b;
      case MUL -> (a, b) -> a * b;
      case DIV -> (a, b) -> a / b;
    };
  }

  @ParameterizedTest
  @EnumSource(Elementwise.Binary.class)
  void binaryLoopsMatchTheLambdaLoopsBitForBit(Elementwise.Binary op) {
    // Same shapes, a row vector, a column, a scalar, and a transposed-stride broadcast.
    int[][][] cases = {
        {{3, 5}, {3, 5}}, {{4, 7}, {7}}, {{4, 7}, {4, 1}}, {{2, 3, 4}, {}}, {{1, 6}, {5, 1}}, {{0, 3}, {3}}};
    for (int[][] c : cases) {
      int[] outDims = broadcast(c[0], c[1]);
      double[] a = values(1, Odometer.size(c[0]), 2);
      double[] b = values(2, Odometer.size(c[1]), 2);
      double[] fast = new double[Odometer.size(outDims)];
      double[] slow = new double[fast.length];
      Elementwise.binary(op, a, c[0], b, c[1], outDims, fast);
      Elementwise.binary(a, c[0], b, c[1], outDims, reference(op), slow);
      assertArrayEquals(slow, fast, 0.0, op + " " + java.util.Arrays.deepToString(c));
    }
  }

  private static int[] broadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
      int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  @Test
  void sigmoidIsStableAndExactAtTheEnds() {
    assertEquals(1.0, Transcendental.sigmoid(800), 0.0);
    assertEquals(0.0, Transcendental.sigmoid(-800), 0.0);
    assertEquals(0.5, Transcendental.sigmoid(0), 0.0);
    assertEquals(1.0, Transcendental.sigmoid(Double.POSITIVE_INFINITY), 0.0);
    assertEquals(0.0, Transcendental.sigmoid(Double.NEGATIVE_INFINITY), 0.0);
    assertTrue(Double.isNaN(Transcendental.sigmoid(Double.NaN)));
  }

  @Test
  void tanhKeepsSignsZerosAndSaturation() {
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Transcendental.tanh(-0.0)));
    assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Transcendental.tanh(0.0)));
    assertEquals(1.0, Transcendental.tanh(40), 0.0);
    assertEquals(-1.0, Transcendental.tanh(Double.NEGATIVE_INFINITY), 0.0);
    assertEquals(1e-300, Transcendental.tanh(1e-300), 0.0);
    assertTrue(Double.isNaN(Transcendental.tanh(Double.NaN)));
  }

  /** Arguments across both branches of each formula, the split points, tiny and saturated values. */
  private static double[] arguments() {
    double[] wide = values(3, 4000, 4);
    double[] special = {0, -0.0, 1e-300, -1e-12, 0.625, -0.625, Math.nextDown(0.625), 1, -1, 18.5, -19, 40, -300,
        -708, -745, 800, -800,
        -40, 20, -20.5, -1e-300, Double.MIN_VALUE, -Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double[] x = new double[wide.length + special.length + 3];  // + 3: a scalar tail after whole vectors
    System.arraycopy(special, 0, x, 0, special.length);
    System.arraycopy(wide, 0, x, special.length, wide.length);
    return x;
  }

  @Test
  void basicOperationFormulasAreWithinTwoUlpOfTheLibraryOnes() {
    for (double x : arguments()) {
      double t = Math.tanh(x);
      assertTrue(Math.abs(Transcendental.tanh(x) - t) <= 2 * Math.ulp(t), "tanh(" + x + "): " + Transcendental.tanh(x) + " vs " + t);
      double e = x <= 0 ? Math.exp(x) : Math.exp(-x);
      double ex = Transcendental.expNonPositive(-Math.abs(x));
      assertTrue(Math.abs(ex - e) <= 2 * Math.ulp(e), "exp(" + -Math.abs(x) + "): " + ex + " vs " + e);
      double s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      assertTrue(Math.abs(Transcendental.sigmoid(x) - s) <= 2 * Math.ulp(s), "sigmoid(" + x + "): " + Transcendental.sigmoid(x) + " vs " + s);
    }
  }

  @Test
  void vectorNonlinearitiesGiveTheScalarBits() {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present");
    double[] x = arguments();
    double[] vt = new double[x.length];
    double[] vs = new double[x.length];
    VectorElementwise.tanh(x, vt);
    VectorElementwise.sigmoid(x, vs);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Double.doubleToRawLongBits(Transcendental.tanh(x[i])), Double.doubleToRawLongBits(vt[i]), "tanh(" + x[i] + ")");
      assertEquals(Double.doubleToRawLongBits(Transcendental.sigmoid(x[i])), Double.doubleToRawLongBits(vs[i]), "sigmoid(" + x[i] + ")");
    }
  }

  /** Arrays long enough to be split over threads give every element the scalar function's bits. */
  @Test
  void nonlinearitiesSplitOverThreadsGiveTheScalarBits() {
    int n = 3 * Elementwise.TRANSCENDENTAL_PARALLEL + 5;
    Well19937c rng = new Well19937c(77);
    double[] x = new double[n];
    float[] xf = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextGaussian() * 6;
      xf[i] = (float) x[i];
    }
    double[] t = new double[n];
    double[] s = new double[n];
    float[] tf = new float[n];
    float[] sf = new float[n];
    Elementwise.tanh(x, t);
    Elementwise.sigmoid(x, s);
    FloatKernels.tanh(xf, tf);
    FloatKernels.sigmoid(xf, sf);
    for (int i = 0; i < n; i++) {
      assertEquals(Double.doubleToRawLongBits(Transcendental.tanh(x[i])), Double.doubleToRawLongBits(t[i]), "tanh " + i);
      assertEquals(Double.doubleToRawLongBits(Transcendental.sigmoid(x[i])), Double.doubleToRawLongBits(s[i]),
          "sigmoid " + i);
      assertEquals(Float.floatToRawIntBits(Transcendental.tanh(xf[i])), Float.floatToRawIntBits(tf[i]), "float tanh " + i);
      assertEquals(Float.floatToRawIntBits(Transcendental.sigmoid(xf[i])), Float.floatToRawIntBits(sf[i]),
          "float sigmoid " + i);
    }
  }

  @Test
  void vjpLoopsFollowTheirFormulas() {
    double[] dy = values(4, 9, 1);
    double[] y = values(5, 9, 0.5);
    double[] t = new double[9];
    double[] s = new double[9];
    Elementwise.tanhVjp(dy, y, t);
    Elementwise.sigmoidVjp(dy, y, s);
    for (int i = 0; i < 9; i++) {
      assertEquals(dy[i] * (1 - y[i] * y[i]), t[i], 0.0);
      assertEquals(dy[i] * y[i] * (1 - y[i]), s[i], 0.0);
    }
  }
}
