package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row-segment sigmoid and tanh of {@link RecurrentKernels} and {@link FloatKernels} give
 * {@link Transcendental}'s bits at any offset and length (SIMD body and scalar tail), in place as
 * well; and each float32 kernel agrees with the float64 kernel on its widened inputs to a few
 * float ulps.
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

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 15, 16, 17, 33, 64, 77, 600, 1100})
  void floatSegmentsMatchTheScalarFormulasBitForBit(int n) {
    float[] x = floats(n, n + 11, 3);
    int from = 5;
    int to = 2;
    float[] sig = new float[n + 6];
    float[] th = new float[n + 6];
    FloatKernels.sigmoid(x, from, sig, to, n);
    FloatKernels.tanh(x, from, th, to, n);
    float[] inPlace = x.clone();
    FloatKernels.tanh(inPlace, from, inPlace, from, n);
    for (int k = 0; k < n; k++) {
      assertEquals(Transcendental.sigmoid(x[from + k]), sig[to + k], 0f, "sigmoid at " + k);
      assertEquals(Transcendental.tanh(x[from + k]), th[to + k], 0f, "tanh at " + k);
      assertEquals(Transcendental.tanh(x[from + k]), inPlace[from + k], 0f, "tanh in place at " + k);
    }
    assertEquals(0f, sig[0], 0f);
    assertEquals(0f, sig[to + n], 0f);
    assertEquals(x[from - 1], inPlace[from - 1], 0f);
    assertEquals(x[from + n], inPlace[from + n], 0f);
  }

  private static float[] floats(long seed, int n, double scale) {
    double[] x = values(seed, n);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (x[i] * scale / 3);
    }
    return f;
  }

  private static double[] wide(float[] x) {
    double[] d = new double[x.length];
    FloatKernels.widen(x, d);
    return d;
  }

  /**
   * Relative to the largest value of each result, about 8 float ulps (2⁻²³ ≈ 1.2e-7 is one ulp of
   * 1): the float kernels round the pre-activation sums, the nonlinearities (within 2 ulp) and
   * each product; the worst seen here is 2.7e-7.
   */
  static final double F32_TOL = 1e-6;

  private static void assertClose(double[] expected, float[] actual, String what) {
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= F32_TOL * scale, what + ": " + worst / scale + " of the largest value");
  }

  @ParameterizedTest(name = "batch {0}, hidden {1}")
  @CsvSource({"1, 3", "3, 37", "4, 16", "2, 5", "1, 64", "5, 1", "3, 256"})
  void float32LstmAgreesWithTheFloat64Lstm(int batch, int hid) {
    float[] xPre = floats(hid, batch * 4 * hid, 3);
    float[] hPre = floats(hid + 1, batch * 4 * hid, 3);
    float[] c = floats(hid + 2, batch * hid, 2);
    float[] act = new float[batch * 4 * hid];
    float[] tanhC = new float[batch * hid];
    float[] out = new float[batch * 2 * hid];
    RecurrentKernels.lstmForward(xPre, 0, hPre, c, batch, hid, act, tanhC, out);
    double[] act64 = new double[act.length];
    double[] tanhC64 = new double[tanhC.length];
    double[] out64 = new double[out.length];
    RecurrentKernels.lstmForward(wide(xPre), 0, wide(hPre), wide(c), batch, hid, act64, tanhC64, out64);
    assertClose(act64, act, "activations");
    assertClose(tanhC64, tanhC, "tanh c'");
    assertClose(out64, out, "h' ‖ c'");

    // Backward from the float32 saved activations.
    float[] dOut = floats(hid + 3, batch * 2 * hid, 1);
    float[] dPre = new float[act.length];
    float[] dc = new float[c.length];
    RecurrentKernels.lstmBackward(dOut, act, tanhC, c, batch, hid, dPre, dc);
    double[] dPre64 = new double[act.length];
    double[] dc64 = new double[c.length];
    RecurrentKernels.lstmBackward(wide(dOut), wide(act), wide(tanhC), wide(c), batch, hid, dPre64, dc64);
    assertClose(dPre64, dPre, "dpre");
    assertClose(dc64, dc, "dc");
  }

  @ParameterizedTest(name = "batch {0}, hidden {1}")
  @CsvSource({"1, 3", "3, 37", "4, 16", "2, 5", "1, 64", "5, 1", "3, 256"})
  void float32GruAgreesWithTheFloat64Gru(int batch, int hid) {
    float[] xPre = floats(hid, batch * 3 * hid, 3);
    float[] hPre = floats(hid + 1, batch * 3 * hid, 3);
    float[] h = floats(hid + 2, batch * hid, 1);
    float[] act = new float[batch * 3 * hid];
    float[] out = new float[batch * hid];
    RecurrentKernels.gruForward(xPre, 0, hPre, h, batch, hid, act, out);
    double[] act64 = new double[act.length];
    double[] out64 = new double[out.length];
    RecurrentKernels.gruForward(wide(xPre), 0, wide(hPre), wide(h), batch, hid, act64, out64);
    assertClose(act64, act, "activations");
    assertClose(out64, out, "h'");

    // Backward from the float32 saved activations.
    float[] dOut = floats(hid + 3, batch * hid, 1);
    float[] dxPre = new float[act.length];
    float[] dhPre = new float[act.length];
    float[] dh = new float[h.length];
    RecurrentKernels.gruBackward(dOut, act, hPre, h, batch, hid, dxPre, dhPre, dh);
    double[] dxPre64 = new double[act.length];
    double[] dhPre64 = new double[act.length];
    double[] dh64 = new double[h.length];
    RecurrentKernels.gruBackward(wide(dOut), wide(act), wide(hPre), wide(h), batch, hid, dxPre64, dhPre64, dh64);
    assertClose(dxPre64, dxPre, "dxPre");
    assertClose(dhPre64, dhPre, "dhPre");
    assertClose(dh64, dh, "dh");
  }

  /** Copies row band {@code [r·w, (r+1)·w)} of {@code x}. */
  private static float[] row(float[] x, int r, int w) {
    return java.util.Arrays.copyOfRange(x, r * w, (r + 1) * w);
  }

  @Test
  void rowsSplitOverThreadsGetTheBitsTheyGetAlone() {
    int batch = 32;
    int hid = 256;
    assertTrue((long) batch * 3 * hid >= RecurrentKernels.PARALLEL_ELEMENTS, "the case must be large enough to split");
    float[] xPre = floats(1, batch * 4 * hid, 3);
    float[] hPre = floats(2, batch * 4 * hid, 3);
    float[] c = floats(3, batch * hid, 2);
    float[] dOut = floats(4, batch * 2 * hid, 1);
    float[] act = new float[batch * 4 * hid];
    float[] tanhC = new float[batch * hid];
    float[] out = new float[batch * 2 * hid];
    float[] dPre = new float[batch * 4 * hid];
    float[] dc = new float[batch * hid];
    RecurrentKernels.lstmForward(xPre, 0, hPre, c, batch, hid, act, tanhC, out);
    RecurrentKernels.lstmBackward(dOut, act, tanhC, c, batch, hid, dPre, dc);
    float[] gAct = new float[batch * 3 * hid];
    float[] gOut = new float[batch * hid];
    float[] dx = new float[batch * 3 * hid];
    float[] dhPre = new float[batch * 3 * hid];
    float[] dh = new float[batch * hid];
    float[] xg = row(xPre, 0, batch * 3 * hid);
    float[] hg = row(hPre, 0, batch * 3 * hid);
    float[] dg = row(dOut, 0, batch * hid);
    RecurrentKernels.gruForward(xg, 0, hg, c, batch, hid, gAct, gOut);
    RecurrentKernels.gruBackward(dg, gAct, hg, c, batch, hid, dx, dhPre, dh);
    for (int r = 0; r < batch; r += 7) {
      float[] a1 = new float[4 * hid];
      float[] t1 = new float[hid];
      float[] o1 = new float[2 * hid];
      float[] p1 = new float[4 * hid];
      float[] c1 = new float[hid];
      RecurrentKernels.lstmForward(row(xPre, r, 4 * hid), 0, row(hPre, r, 4 * hid), row(c, r, hid), 1, hid, a1, t1, o1);
      RecurrentKernels.lstmBackward(row(dOut, r, 2 * hid), a1, t1, row(c, r, hid), 1, hid, p1, c1);
      assertArrayEquals(o1, row(out, r, 2 * hid), 0f, "lstm forward row " + r);
      assertArrayEquals(p1, row(dPre, r, 4 * hid), 0f, "lstm backward row " + r);
      assertArrayEquals(c1, row(dc, r, hid), 0f, "lstm dc row " + r);
      float[] ga = new float[3 * hid];
      float[] go = new float[hid];
      float[] gx = new float[3 * hid];
      float[] gh = new float[3 * hid];
      float[] gd = new float[hid];
      RecurrentKernels.gruForward(row(xg, r, 3 * hid), 0, row(hg, r, 3 * hid), row(c, r, hid), 1, hid, ga, go);
      RecurrentKernels.gruBackward(row(dg, r, hid), ga, row(hg, r, 3 * hid), row(c, r, hid), 1, hid, gx, gh, gd);
      assertArrayEquals(go, row(gOut, r, hid), 0f, "gru forward row " + r);
      assertArrayEquals(gx, row(dx, r, 3 * hid), 0f, "gru dxPre row " + r);
      assertArrayEquals(gh, row(dhPre, r, 3 * hid), 0f, "gru dhPre row " + r);
      assertArrayEquals(gd, row(dh, r, hid), 0f, "gru dh row " + r);
    }
  }
}
