package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Log-softmax and its VJP: the vector exponential equals the scalar one bit for bit, a large input
 * split over threads gives each line the bits it gets alone, and values stay within a few ulp of
 * {@link Math#exp}-based formulas.
 */
class SoftmaxKernelTest {

  private static double[] gaussian(long seed, int n, double scale) {
    Well19937c rng = new Well19937c(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextGaussian() * scale;
    }
    return x;
  }

  @Test
  void vectorExponentialEqualsTheScalarBitForBit() {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present");
    double[] x = gaussian(1, 5003, 30);
    for (int i = 0; i < x.length; i++) {
      x[i] = -Math.abs(x[i]);
    }
    double[] special = {0.0, -0.0, -1e-300, -Double.MIN_VALUE, -708.4, -745.2, -1000, -1e308,
        Double.NEGATIVE_INFINITY, Double.NaN};
    System.arraycopy(special, 0, x, 0, special.length);
    double[] e = new double[x.length];
    VectorElementwise.expNonPositive(x, e, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Double.doubleToRawLongBits(Transcendental.expNonPositive(x[i])), Double.doubleToRawLongBits(e[i]),
          "exp(" + x[i] + ")");
    }
  }

  @Test
  void linesSplitOverThreadsGetTheBitsTheyGetAlone() {
    int lines = 1200;
    int n = 64;
    assertTrue((long) lines * n >= Softmax.PARALLEL_ELEMENTS, "the case must be large enough to split");
    double[] x = gaussian(2, lines * n, 4);
    double[] dy = gaussian(3, lines * n, 1);
    double[] y = new double[x.length];
    double[] dx = new double[x.length];
    Softmax.logSoftmax(x, lines, n, 1, y);
    Softmax.logSoftmaxBackward(dy, y, lines, n, 1, dx);
    for (int line = 0; line < lines; line += 97) {
      double[] yLine = new double[n];
      double[] dxLine = new double[n];
      Softmax.logSoftmax(Arrays.copyOfRange(x, line * n, line * n + n), 1, n, 1, yLine);
      Softmax.logSoftmaxBackward(Arrays.copyOfRange(dy, line * n, line * n + n), yLine, 1, n, 1, dxLine);
      assertArrayEquals(yLine, Arrays.copyOfRange(y, line * n, line * n + n), 0.0, "line " + line);
      assertArrayEquals(dxLine, Arrays.copyOfRange(dx, line * n, line * n + n), 0.0, "line " + line);
    }
  }

  @Test
  void float32IsTheFloat64ResultRoundedOnce() {
    for (int[] shape : new int[][] {{1200, 64, 1}, {3, 5, 4}}) {
      int size = shape[0] * shape[1] * shape[2];
      double[] x = gaussian(6, size, 5);
      double[] dy = gaussian(7, size, 1);
      float[] xf = new float[size];
      float[] dyf = new float[size];
      for (int i = 0; i < size; i++) {
        xf[i] = (float) x[i];
        dyf[i] = (float) dy[i];
        x[i] = xf[i];
        dy[i] = dyf[i];
      }
      double[] y = new double[size];
      float[] yf = new float[size];
      Softmax.logSoftmax(x, shape[0], shape[1], shape[2], y);
      Softmax.logSoftmax(xf, shape[0], shape[1], shape[2], yf);
      double[] yRounded = new double[size];
      for (int i = 0; i < size; i++) {
        assertEquals((float) y[i], yf[i], 0.0f, "forward " + i);
        yRounded[i] = yf[i];
      }
      double[] dx = new double[size];
      float[] dxf = new float[size];
      Softmax.logSoftmaxBackward(dy, yRounded, shape[0], shape[1], shape[2], dx);
      Softmax.logSoftmaxBackward(dyf, yf, shape[0], shape[1], shape[2], dxf);
      for (int i = 0; i < size; i++) {
        assertEquals((float) dx[i], dxf[i], 0.0f, "backward " + i);
      }
    }
  }

  @Test
  void aMiddleAxisMatchesTheSameLinesLaidOutLast() {
    // [outer × n × inner] along n equals the transposed [outer·inner × n] along its last axis.
    int outer = 3;
    int n = 5;
    int inner = 4;
    double[] x = gaussian(4, outer * n * inner, 3);
    double[] y = new double[x.length];
    Softmax.logSoftmax(x, outer, n, inner, y);
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double[] line = new double[n];
        for (int j = 0; j < n; j++) {
          line[j] = x[(o * n + j) * inner + i];
        }
        double[] lineOut = new double[n];
        Softmax.logSoftmax(line, 1, n, 1, lineOut);
        for (int j = 0; j < n; j++) {
          assertEquals(lineOut[j], y[(o * n + j) * inner + i], 0.0);
        }
      }
    }
  }

  @Test
  void valuesAgreeWithMathExpFormulas() {
    int n = 50;
    double[] x = gaussian(5, n, 10);
    double[] y = new double[n];
    Softmax.logSoftmax(x, 1, n, 1, y);
    double max = Arrays.stream(x).max().orElseThrow();
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    for (int j = 0; j < n; j++) {
      double expected = x[j] - max - Math.log(sum);
      assertEquals(expected, y[j], 1e-14 * Math.max(1, Math.abs(expected)));
    }
  }

  @Test
  void floatVectorExponentialEqualsTheScalarBitForBit() {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present");
    double[] g = gaussian(11, 5003, 30);
    float[] x = new float[g.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) -Math.abs(g[i]);
    }
    float[] special = {0f, -0f, -1e-30f, -Float.MIN_VALUE, -87.3f, -103.9f, -104f, -1e30f, Float.NEGATIVE_INFINITY,
        Float.NaN};
    System.arraycopy(special, 0, x, 0, special.length);
    float[] e = new float[x.length];
    VectorElementwise.expNonPositive(x, e, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.floatToRawIntBits(Transcendental.expNonPositive(x[i])), Float.floatToRawIntBits(e[i]),
          "exp(" + x[i] + ")");
    }
  }

  @Test
  void crossEntropyLinesSplitOverThreadsGetTheBitsTheyGetAlone() {
    int lines = 1200;
    int n = 64;
    assertTrue((long) lines * n >= Softmax.PARALLEL_ELEMENTS, "the case must be large enough to split");
    double[] x = gaussian(12, lines * n, 4);
    double[] dy = gaussian(13, lines, 1);
    int[] t = targets(14, lines, n);
    float[] xf = narrow(x);
    float[] dyf = narrow(dy);
    double[] out = new double[lines];
    double[] dx = new double[x.length];
    float[] outf = new float[lines];
    float[] dxf = new float[x.length];
    Softmax.crossEntropy(x, lines, n, t, out);
    Softmax.crossEntropyBackward(dy, x, lines, n, t, dx);
    Softmax.crossEntropy(xf, lines, n, t, outf);
    Softmax.crossEntropyBackward(dyf, xf, lines, n, t, dxf);
    for (int line = 0; line < lines; line += 97) {
      int[] one = {t[line]};
      double[] o = new double[1];
      double[] d = new double[n];
      float[] of = new float[1];
      float[] df = new float[n];
      Softmax.crossEntropy(Arrays.copyOfRange(x, line * n, line * n + n), 1, n, one, o);
      Softmax.crossEntropyBackward(new double[] {dy[line]}, Arrays.copyOfRange(x, line * n, line * n + n), 1, n, one, d);
      Softmax.crossEntropy(Arrays.copyOfRange(xf, line * n, line * n + n), 1, n, one, of);
      Softmax.crossEntropyBackward(new float[] {dyf[line]}, Arrays.copyOfRange(xf, line * n, line * n + n), 1, n, one,
          df);
      assertEquals(o[0], out[line], 0.0, "line " + line);
      assertArrayEquals(d, Arrays.copyOfRange(dx, line * n, line * n + n), 0.0, "line " + line);
      assertEquals(of[0], outf[line], 0.0f, "line " + line);
      assertArrayEquals(df, Arrays.copyOfRange(dxf, line * n, line * n + n), 0.0f, "line " + line);
    }
  }

  /**
   * Float32 cross-entropy is computed in float: within 3 ulp of the float64 result plus an ulp of
   * the line's spread (the rounding of x − max), its gradient within 1e-6·|dy|.
   */
  @Test
  void float32CrossEntropyIsCloseToFloat64() {
    int lines = 700;
    for (int n : new int[] {3, 64, 100}) {
      float[] xf = narrow(gaussian(15 + n, lines * n, 6));
      float[] dyf = narrow(gaussian(16 + n, lines, 1));
      int[] t = targets(17 + n, lines, n);
      double[] x = widen(xf);
      double[] dy = widen(dyf);
      double[] out = new double[lines];
      double[] dx = new double[x.length];
      float[] outf = new float[lines];
      float[] dxf = new float[x.length];
      Softmax.crossEntropy(x, lines, n, t, out);
      Softmax.crossEntropyBackward(dy, x, lines, n, t, dx);
      Softmax.crossEntropy(xf, lines, n, t, outf);
      Softmax.crossEntropyBackward(dyf, xf, lines, n, t, dxf);
      for (int l = 0; l < lines; l++) {
        // x − max is rounded to float: each exponential is then off by up to half an ulp of the
        // line's spread, relatively, and so is the log of their sum, absolutely.
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          min = Math.min(min, xf[l * n + j]);
          max = Math.max(max, xf[l * n + j]);
        }
        double tolerance = 3 * Math.ulp((float) out[l]) + Math.ulp(max - min);
        assertEquals(out[l], outf[l], tolerance, "forward line " + l + " of " + n);
        for (int j = 0; j < n; j++) {
          int i = l * n + j;
          assertEquals(dx[i], dxf[i], 1e-6 * Math.abs(dy[l]), "backward element " + i + " of " + n);
        }
      }
    }
  }

  @Test
  void crossEntropyAgreesWithMathExpFormulas() {
    int n = 50;
    double[] x = gaussian(18, n, 10);
    double max = Arrays.stream(x).max().orElseThrow();
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    double[] out = new double[1];
    double[] dx = new double[n];
    Softmax.crossEntropy(x, 1, n, new int[] {7}, out);
    Softmax.crossEntropyBackward(new double[] {0.5}, x, 1, n, new int[] {7}, dx);
    double expected = -(x[7] - max - Math.log(sum));
    assertEquals(expected, out[0], 1e-14 * Math.max(1, Math.abs(expected)));
    for (int j = 0; j < n; j++) {
      double p = Math.exp(x[j] - max) / sum;
      assertEquals(0.5 * (p - (j == 7 ? 1 : 0)), dx[j], 1e-15);
    }
  }

  private static int[] targets(long seed, int lines, int n) {
    Well19937c rng = new Well19937c(seed);
    int[] t = new int[lines];
    for (int i = 0; i < lines; i++) {
      t[i] = rng.nextInt(n);
    }
    return t;
  }

  private static float[] narrow(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  private static double[] widen(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }
}
