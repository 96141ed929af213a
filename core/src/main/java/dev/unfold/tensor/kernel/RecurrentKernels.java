package dev.unfold.tensor.kernel;

import java.util.function.IntConsumer;

/**
 * The element-wise part of an LSTM or GRU step, forward and backward, as one pass over
 * row-major [B×k·H] arrays instead of a dozen element-wise maps, in float64 and float32. Internal.
 *
 * <p>The forward loops do the same IEEE operations in the same order as the unfused graphs of
 * the cells in the same type (sigmoid and tanh through {@link Transcendental}'s formulas for that
 * type, on the SIMD path when it is in use), so fused and unfused forward values are
 * bit-identical. The backward loops give the same gradients up to rounding: sums over several
 * consumers are formed in another order. The float32 loops are the float64 loops' formulas, in
 * the same order, in float arithmetic.
 *
 * <p>NOTE: one pass reads each pre-activation once and writes each result once; the unfused
 * graph allocates and traverses a [B×H] array per add, mul, sigmoid and tanh and again per VJP.
 * The loops over j within a row are plain and branch-free, which C2 vectorises.
 *
 * <p>NOTE: float32 used to go through the float64 row code (each row widened into scratch,
 * computed in float64 and rounded once), for one copy of the formulas and exact results. The
 * conversions are plain loops that JDK 17 does not vectorise (and the Vector API's F2D
 * conversion between shapes is not intrinsified here), and tanh and σ ran on 8 float64 lanes
 * instead of 16 float ones. Measured at the std benchmark's shape (batch 32, hidden 256, JDK 17,
 * medians of two interleaved runs on a loaded 2-core machine, µs per call): LSTM forward 95–128
 * that way against 36–38 in float, LSTM backward 64–71 against 22, GRU forward 67–88 against 24,
 * GRU backward 58–71 against 21 (float64's LSTM forward: 71–94). The float results are within a
 * few float ulps of the float64 kernel's (RecurrentKernelsTest), as a float32 framework's are.
 */
public final class RecurrentKernels {
  private RecurrentKernels() {}

  // ---------------------------------------------------------------- LSTM

  /**
   * LSTM forward, gates in PyTorch's order i, f, g, o.
   *
   * @param xPre [B×4H] x·W + b, from {@code xo} on (a view's offset)
   * @param hPre [B×4H] h·U (+ b_h); the gate pre-activations are {@code xPre + hPre}
   * @param c [B×H] previous cell state
   * @param act out: [B×4H] activations σ(i), σ(f), tanh(g), σ(o)
   * @param tanhC out: [B×H] tanh(c')
   * @param out out: [B×2H] h' ‖ c', with c' = f⊙c + i⊙g and h' = o⊙tanh(c')
   */
  public static void lstmForward(double[] xPre, int xo, double[] hPre, double[] c, int batch, int hid, double[] act,
      double[] tanhC, double[] out) {
    forRows(PARALLEL_ELEMENTS, batch, 4 * hid, r -> {
      int a = r * 4 * hid;
      for (int j = 0; j < 4 * hid; j++) {
        act[a + j] = xPre[xo + a + j] + hPre[a + j];
      }
      lstmForwardRow(act, c, tanhC, out, r, hid);
    });
  }

  /** {@link #lstmForward(double[], int, double[], double[], int, int, double[], double[], double[])} in float32. */
  public static void lstmForward(float[] xPre, int xo, float[] hPre, float[] c, int batch, int hid, float[] act,
      float[] tanhC, float[] out) {
    forRows(PARALLEL_ELEMENTS_F32, batch, 4 * hid, r -> {
      int a = r * 4 * hid;
      for (int j = 0; j < 4 * hid; j++) {
        act[a + j] = xPre[xo + a + j] + hPre[a + j];
      }
      lstmForwardRow(act, c, tanhC, out, r, hid);
    });
  }

  /** Row {@code r} of the LSTM forward, with {@code act}'s row holding the pre-activations on entry. */
  private static void lstmForwardRow(double[] act, double[] c, double[] tanhC, double[] out, int r, int hid) {
    int a = r * 4 * hid;
    int s = r * hid;
    int o = r * 2 * hid;
    sigmoid(act, a, act, a, 2 * hid);
    tanh(act, a + 2 * hid, act, a + 2 * hid, hid);
    sigmoid(act, a + 3 * hid, act, a + 3 * hid, hid);
    for (int j = 0; j < hid; j++) {
      // NOTE: (f·c) + (i·g) as two roundings, exactly as f.mul(c).add(i.mul(g)); Java never contracts to an fma.
      out[o + hid + j] = act[a + hid + j] * c[s + j] + act[a + j] * act[a + 2 * hid + j];
    }
    tanh(out, o + hid, tanhC, s, hid);
    for (int j = 0; j < hid; j++) {
      out[o + j] = act[a + 3 * hid + j] * tanhC[s + j];
    }
  }

  /** The float32 row: the float64 row's operations in the same order, in float. */
  private static void lstmForwardRow(float[] act, float[] c, float[] tanhC, float[] out, int r, int hid) {
    int a = r * 4 * hid;
    int s = r * hid;
    int o = r * 2 * hid;
    FloatKernels.sigmoid(act, a, act, a, 2 * hid);
    FloatKernels.tanh(act, a + 2 * hid, act, a + 2 * hid, hid);
    FloatKernels.sigmoid(act, a + 3 * hid, act, a + 3 * hid, hid);
    for (int j = 0; j < hid; j++) {
      out[o + hid + j] = act[a + hid + j] * c[s + j] + act[a + j] * act[a + 2 * hid + j];
    }
    FloatKernels.tanh(out, o + hid, tanhC, s, hid);
    for (int j = 0; j < hid; j++) {
      out[o + j] = act[a + 3 * hid + j] * tanhC[s + j];
    }
  }

  /**
   * LSTM backward from {@code dOut} = dL/d[h' ‖ c'] [B×2H], given the forward's {@code act} and
   * {@code tanhC} and the previous cell state {@code c}. The gradient of the pre-activations is
   * that of both {@code xPre} and {@code hPre}.
   * <pre>
   * dc' = dOut_c + dOut_h⊙o⊙(1 − tanh²c')
   * dpre_i = dc'⊙g⊙i(1−i)   dpre_f = dc'⊙c⊙f(1−f)   dpre_g = dc'⊙i⊙(1−g²)   dpre_o = dOut_h⊙tanh c'⊙o(1−o)
   * dc = dc'⊙f
   * </pre>
   *
   * @param dPre out: [B×4H]
   * @param dc out: [B×H]
   */
  public static void lstmBackward(double[] dOut, double[] act, double[] tanhC, double[] c, int batch, int hid,
      double[] dPre, double[] dc) {
    forRows(PARALLEL_ELEMENTS, batch, 4 * hid, r -> lstmBackwardRow(dOut, act, tanhC, c, dPre, dc, r, hid));
  }

  /** {@link #lstmBackward(double[], double[], double[], double[], int, int, double[], double[])} in float32. */
  public static void lstmBackward(float[] dOut, float[] act, float[] tanhC, float[] c, int batch, int hid,
      float[] dPre, float[] dc) {
    forRows(PARALLEL_ELEMENTS_F32, batch, 4 * hid, r -> lstmBackwardRow(dOut, act, tanhC, c, dPre, dc, r, hid));
  }

  private static void lstmBackwardRow(double[] dOut, double[] act, double[] tanhC, double[] c, double[] dPre,
      double[] dc, int r, int hid) {
    int a = r * 4 * hid;
    int s = r * hid;
    int o = r * 2 * hid;
    for (int j = 0; j < hid; j++) {
      double i = act[a + j];
      double f = act[a + hid + j];
      double g = act[a + 2 * hid + j];
      double og = act[a + 3 * hid + j];
      double t = tanhC[s + j];
      double dh = dOut[o + j];
      double dcNew = dOut[o + hid + j] + dh * og * (1.0 - t * t);
      dPre[a + j] = dcNew * g * i * (1.0 - i);
      dPre[a + hid + j] = dcNew * c[s + j] * f * (1.0 - f);
      dPre[a + 2 * hid + j] = dcNew * i * (1.0 - g * g);
      dPre[a + 3 * hid + j] = dh * t * og * (1.0 - og);
      dc[s + j] = dcNew * f;
    }
  }

  private static void lstmBackwardRow(float[] dOut, float[] act, float[] tanhC, float[] c, float[] dPre,
      float[] dc, int r, int hid) {
    int a = r * 4 * hid;
    int s = r * hid;
    int o = r * 2 * hid;
    for (int j = 0; j < hid; j++) {
      float i = act[a + j];
      float f = act[a + hid + j];
      float g = act[a + 2 * hid + j];
      float og = act[a + 3 * hid + j];
      float t = tanhC[s + j];
      float dh = dOut[o + j];
      float dcNew = dOut[o + hid + j] + dh * og * (1f - t * t);
      dPre[a + j] = dcNew * g * i * (1f - i);
      dPre[a + hid + j] = dcNew * c[s + j] * f * (1f - f);
      dPre[a + 2 * hid + j] = dcNew * i * (1f - g * g);
      dPre[a + 3 * hid + j] = dh * t * og * (1f - og);
      dc[s + j] = dcNew * f;
    }
  }

  // ---------------------------------------------------------------- GRU

  /**
   * GRU forward in PyTorch's form, gates in the order r, z, n.
   *
   * @param xPre [B×3H] x·W + b, from {@code xo} on
   * @param hPre [B×3H] h·U + b_h
   * @param h [B×H] previous state
   * @param act out: [B×3H] r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n)
   * @param out out: [B×H] h' = n + z⊙(h − n) = (1 − z)⊙n + z⊙h
   */
  public static void gruForward(double[] xPre, int xo, double[] hPre, double[] h, int batch, int hid, double[] act,
      double[] out) {
    forRows(PARALLEL_ELEMENTS, batch, 3 * hid, r -> gruForwardRow(xPre, xo, hPre, h, act, out, r, hid));
  }

  /** {@link #gruForward(double[], int, double[], double[], int, int, double[], double[])} in float32. */
  public static void gruForward(float[] xPre, int xo, float[] hPre, float[] h, int batch, int hid, float[] act,
      float[] out) {
    forRows(PARALLEL_ELEMENTS_F32, batch, 3 * hid, r -> gruForwardRow(xPre, xo, hPre, h, act, out, r, hid));
  }

  private static void gruForwardRow(double[] xPre, int xo, double[] hPre, double[] h, double[] act, double[] out, int r,
      int hid) {
    int a = r * 3 * hid;
    int s = r * hid;
    for (int j = 0; j < 2 * hid; j++) {
      act[a + j] = xPre[xo + a + j] + hPre[a + j];
    }
    sigmoid(act, a, act, a, 2 * hid);
    int n = a + 2 * hid;
    for (int j = 0; j < hid; j++) {
      act[n + j] = xPre[xo + n + j] + act[a + j] * hPre[n + j];
    }
    tanh(act, n, act, n, hid);
    for (int j = 0; j < hid; j++) {
      double cand = act[n + j];
      out[s + j] = cand + act[a + hid + j] * (h[s + j] - cand);
    }
  }

  private static void gruForwardRow(float[] xPre, int xo, float[] hPre, float[] h, float[] act, float[] out, int r,
      int hid) {
    int a = r * 3 * hid;
    int s = r * hid;
    for (int j = 0; j < 2 * hid; j++) {
      act[a + j] = xPre[xo + a + j] + hPre[a + j];
    }
    FloatKernels.sigmoid(act, a, act, a, 2 * hid);
    int n = a + 2 * hid;
    for (int j = 0; j < hid; j++) {
      act[n + j] = xPre[xo + n + j] + act[a + j] * hPre[n + j];
    }
    FloatKernels.tanh(act, n, act, n, hid);
    for (int j = 0; j < hid; j++) {
      float cand = act[n + j];
      out[s + j] = cand + act[a + hid + j] * (h[s + j] - cand);
    }
  }

  /**
   * GRU backward from {@code dOut} = dL/dh' [B×H], given the forward's {@code act}, {@code hPre}
   * and the previous state {@code h}.
   * <pre>
   * dn_pre = dh'⊙(1 − z)⊙(1 − n²)    dz_pre = dh'⊙(h − n)⊙z(1−z)    dr_pre = dn_pre⊙h_n⊙r(1−r)
   * dxPre = [dr_pre, dz_pre, dn_pre]   dhPre = [dr_pre, dz_pre, dn_pre⊙r]   dh = dh'⊙z
   * </pre>
   */
  public static void gruBackward(double[] dOut, double[] act, double[] hPre, double[] h, int batch, int hid,
      double[] dxPre, double[] dhPre, double[] dh) {
    forRows(PARALLEL_ELEMENTS, batch, 3 * hid, r -> gruBackwardRow(dOut, act, hPre, h, dxPre, dhPre, dh, r, hid));
  }

  /** {@link #gruBackward(double[], double[], double[], double[], int, int, double[], double[], double[])} in float32. */
  public static void gruBackward(float[] dOut, float[] act, float[] hPre, float[] h, int batch, int hid,
      float[] dxPre, float[] dhPre, float[] dh) {
    forRows(PARALLEL_ELEMENTS_F32, batch, 3 * hid, r -> gruBackwardRow(dOut, act, hPre, h, dxPre, dhPre, dh, r, hid));
  }

  private static void gruBackwardRow(double[] dOut, double[] act, double[] hPre, double[] h, double[] dxPre,
      double[] dhPre, double[] dh, int r, int hid) {
    int a = r * 3 * hid;
    int s = r * hid;
    for (int j = 0; j < hid; j++) {
      double rg = act[a + j];
      double z = act[a + hid + j];
      double n = act[a + 2 * hid + j];
      double d = dOut[s + j];
      double dnPre = d * (1.0 - z) * (1.0 - n * n);
      double dzPre = d * (h[s + j] - n) * z * (1.0 - z);
      double drPre = dnPre * hPre[a + 2 * hid + j] * rg * (1.0 - rg);
      dxPre[a + j] = drPre;
      dhPre[a + j] = drPre;
      dxPre[a + hid + j] = dzPre;
      dhPre[a + hid + j] = dzPre;
      dxPre[a + 2 * hid + j] = dnPre;
      dhPre[a + 2 * hid + j] = dnPre * rg;
      dh[s + j] = d * z;
    }
  }

  private static void gruBackwardRow(float[] dOut, float[] act, float[] hPre, float[] h, float[] dxPre,
      float[] dhPre, float[] dh, int r, int hid) {
    int a = r * 3 * hid;
    int s = r * hid;
    for (int j = 0; j < hid; j++) {
      float rg = act[a + j];
      float z = act[a + hid + j];
      float n = act[a + 2 * hid + j];
      float d = dOut[s + j];
      float dnPre = d * (1f - z) * (1f - n * n);
      float dzPre = d * (h[s + j] - n) * z * (1f - z);
      float drPre = dnPre * hPre[a + 2 * hid + j] * rg * (1f - rg);
      dxPre[a + j] = drPre;
      dhPre[a + j] = drPre;
      dxPre[a + hid + j] = dzPre;
      dhPre[a + hid + j] = dzPre;
      dxPre[a + 2 * hid + j] = dnPre;
      dhPre[a + 2 * hid + j] = dnPre * rg;
      dh[s + j] = d * z;
    }
  }

  // ---------------------------------------------------------------- shared

  /**
   * Elements (rows × row width) of a float64 update below which one thread does every row. NOTE:
   * 16384 until session N, as in float32. At 4096 the float64 LSTM step at batch 16, hidden 128
   * (an [16×512] update) measured −9%, −3%, −23% and +0.5% in four alternating runs on a noisy
   * machine: a small gain within the noise, not a firm one (bench/README.md, session N).
   */
  static final int PARALLEL_ELEMENTS = 1 << 12;
  /** {@link #PARALLEL_ELEMENTS} for float32 updates, whose elements cost about half as much. */
  static final int PARALLEL_ELEMENTS_F32 = 1 << 14;

  /**
   * Calls {@code row} for rows 0 … batch−1, split into bands of rows over threads from
   * {@code minElements} elements on; rows are independent and computed the same way on any thread.
   */
  private static void forRows(int minElements, int batch, int width, IntConsumer row) {
    Parallel.bands(batch, (long) batch * width, minElements, (from, to) -> {
      for (int r = from; r < to; r++) {
        row.accept(r);
      }
    });
  }

  /** {@code out[to + k] = σ(x[from + k])}, k &lt; n, with the same bits as {@link Elementwise#sigmoid}. */
  static void sigmoid(double[] x, int from, double[] out, int to, int n) {
    if (Kernels.VECTOR) {
      VectorElementwise.sigmoid(x, from, out, to, n);
    } else {
      for (int k = 0; k < n; k++) {
        out[to + k] = Transcendental.sigmoid(x[from + k]);
      }
    }
  }

  /** {@code out[to + k] = tanh(x[from + k])}, k &lt; n, with the same bits as {@link Elementwise#tanh}. */
  static void tanh(double[] x, int from, double[] out, int to, int n) {
    if (Kernels.VECTOR) {
      VectorElementwise.tanh(x, from, out, to, n);
    } else {
      for (int k = 0; k < n; k++) {
        out[to + k] = Transcendental.tanh(x[from + k]);
      }
    }
  }
}
