package dev.unfold.tensor.kernel;

/**
 * The element-wise part of an LSTM or GRU step, forward and backward, as one pass over
 * row-major [B×k·H] arrays instead of a dozen element-wise maps, in float64 and float32. Internal.
 *
 * <p>The float64 forward loops do the same IEEE operations in the same order as the unfused
 * graphs of the cells (sigmoid and tanh through {@link Transcendental}'s formulas, on the SIMD
 * path when it is in use), so fused and unfused forward values are bit-identical. The backward
 * loops give the same gradients up to rounding: sums over several consumers are formed in
 * another order.
 *
 * <p>The float32 loops compute each row in float64 and round once: a row of every float input
 * is widened into scratch, the float64 row code runs on it, and its results (outputs, saved
 * activations, gradients) are rounded to float. So a float32 result is exactly the float64
 * kernel's result on the widened inputs, rounded to the nearest float.
 *
 * <p>NOTE: one pass reads each pre-activation once and writes each result once; the unfused
 * graph allocates and traverses a [B×H] array per add, mul, sigmoid and tanh and again per VJP.
 * The loops over j within a row are plain and branch-free, which C2 vectorises.
 *
 * <p>NOTE: float32 goes through the float64 row code rather than float loops of their own, so
 * there is one copy of the formulas and the results are exact (float64 rounded once). Measured
 * at the std benchmark's shape (batch 32, hidden 256, JDK 17, loaded machine, so roughly): the
 * forwards cost the same as a float loop would (about 90 µs for the LSTM, which has to compute
 * tanh and σ in float64 through scratch anyway, as {@link FloatKernels#tanh} does); the
 * backwards, which have no transcendentals, take about 55 µs against 28 µs for a float loop
 * (and 42 µs for the float64 formulas inlined with per-element conversions), dominated by the
 * widening and narrowing. At 50 steps that is about 1.4 ms of a 120 ms training step, not
 * worth a second copy of the formulas or inexact gradients.
 */
public final class RecurrentKernels {
  private RecurrentKernels() {}

  // ---------------------------------------------------------------- LSTM

  /**
   * LSTM forward, gates in PyTorch's order i, f, g, o.
   *
   * @param xPre [B×4H] x·W + b
   * @param hPre [B×4H] h·U (+ b_h); the gate pre-activations are {@code xPre + hPre}
   * @param c [B×H] previous cell state
   * @param act out: [B×4H] activations σ(i), σ(f), tanh(g), σ(o)
   * @param tanhC out: [B×H] tanh(c')
   * @param out out: [B×2H] h' ‖ c', with c' = f⊙c + i⊙g and h' = o⊙tanh(c')
   */
  public static void lstmForward(double[] xPre, double[] hPre, double[] c, int batch, int hid, double[] act,
      double[] tanhC, double[] out) {
    for (int r = 0; r < batch; r++) {
      int a = r * 4 * hid;
      for (int j = 0; j < 4 * hid; j++) {
        act[a + j] = xPre[a + j] + hPre[a + j];
      }
      lstmForwardRow(act, c, tanhC, out, r, hid);
    }
  }

  /** {@link #lstmForward(double[], double[], double[], int, int, double[], double[], double[])} in float32. */
  public static void lstmForward(float[] xPre, float[] hPre, float[] c, int batch, int hid, float[] act,
      float[] tanhC, float[] out) {
    Scratch w = Scratch.get();
    double[] wAct = w.row(0, 4 * hid);
    double[] wC = w.row(1, hid);
    double[] wTanhC = w.row(2, hid);
    double[] wOut = w.row(3, 2 * hid);
    for (int r = 0; r < batch; r++) {
      int a = r * 4 * hid;
      for (int j = 0; j < 4 * hid; j++) {
        wAct[j] = (double) xPre[a + j] + hPre[a + j];
      }
      widen(c, r * hid, wC, hid);
      lstmForwardRow(wAct, wC, wTanhC, wOut, 0, hid);
      narrow(wAct, act, a, 4 * hid);
      narrow(wTanhC, tanhC, r * hid, hid);
      narrow(wOut, out, r * 2 * hid, 2 * hid);
    }
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
    for (int r = 0; r < batch; r++) {
      lstmBackwardRow(dOut, act, tanhC, c, dPre, dc, r, hid);
    }
  }

  /** {@link #lstmBackward(double[], double[], double[], double[], int, int, double[], double[])} in float32. */
  public static void lstmBackward(float[] dOut, float[] act, float[] tanhC, float[] c, int batch, int hid,
      float[] dPre, float[] dc) {
    Scratch w = Scratch.get();
    double[] wDOut = w.row(0, 2 * hid);
    double[] wAct = w.row(1, 4 * hid);
    double[] wTanhC = w.row(2, hid);
    double[] wC = w.row(3, hid);
    double[] wDPre = w.row(4, 4 * hid);
    double[] wDc = w.row(5, hid);
    for (int r = 0; r < batch; r++) {
      widen(dOut, r * 2 * hid, wDOut, 2 * hid);
      widen(act, r * 4 * hid, wAct, 4 * hid);
      widen(tanhC, r * hid, wTanhC, hid);
      widen(c, r * hid, wC, hid);
      lstmBackwardRow(wDOut, wAct, wTanhC, wC, wDPre, wDc, 0, hid);
      narrow(wDPre, dPre, r * 4 * hid, 4 * hid);
      narrow(wDc, dc, r * hid, hid);
    }
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

  // ---------------------------------------------------------------- GRU

  /**
   * GRU forward in PyTorch's form, gates in the order r, z, n.
   *
   * @param xPre [B×3H] x·W + b
   * @param hPre [B×3H] h·U + b_h
   * @param h [B×H] previous state
   * @param act out: [B×3H] r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n)
   * @param out out: [B×H] h' = n + z⊙(h − n) = (1 − z)⊙n + z⊙h
   */
  public static void gruForward(double[] xPre, double[] hPre, double[] h, int batch, int hid, double[] act,
      double[] out) {
    for (int r = 0; r < batch; r++) {
      gruForwardRow(xPre, hPre, h, act, out, r, hid);
    }
  }

  /** {@link #gruForward(double[], double[], double[], int, int, double[], double[])} in float32. */
  public static void gruForward(float[] xPre, float[] hPre, float[] h, int batch, int hid, float[] act,
      float[] out) {
    Scratch w = Scratch.get();
    double[] wXPre = w.row(0, 3 * hid);
    double[] wHPre = w.row(1, 3 * hid);
    double[] wH = w.row(2, hid);
    double[] wAct = w.row(3, 3 * hid);
    double[] wOut = w.row(4, hid);
    for (int r = 0; r < batch; r++) {
      widen(xPre, r * 3 * hid, wXPre, 3 * hid);
      widen(hPre, r * 3 * hid, wHPre, 3 * hid);
      widen(h, r * hid, wH, hid);
      gruForwardRow(wXPre, wHPre, wH, wAct, wOut, 0, hid);
      narrow(wAct, act, r * 3 * hid, 3 * hid);
      narrow(wOut, out, r * hid, hid);
    }
  }

  private static void gruForwardRow(double[] xPre, double[] hPre, double[] h, double[] act, double[] out, int r,
      int hid) {
    int a = r * 3 * hid;
    int s = r * hid;
    for (int j = 0; j < 2 * hid; j++) {
      act[a + j] = xPre[a + j] + hPre[a + j];
    }
    sigmoid(act, a, act, a, 2 * hid);
    int n = a + 2 * hid;
    for (int j = 0; j < hid; j++) {
      act[n + j] = xPre[n + j] + act[a + j] * hPre[n + j];
    }
    tanh(act, n, act, n, hid);
    for (int j = 0; j < hid; j++) {
      double cand = act[n + j];
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
    for (int r = 0; r < batch; r++) {
      gruBackwardRow(dOut, act, hPre, h, dxPre, dhPre, dh, r, hid);
    }
  }

  /** {@link #gruBackward(double[], double[], double[], double[], int, int, double[], double[], double[])} in float32. */
  public static void gruBackward(float[] dOut, float[] act, float[] hPre, float[] h, int batch, int hid,
      float[] dxPre, float[] dhPre, float[] dh) {
    Scratch w = Scratch.get();
    double[] wDOut = w.row(0, hid);
    double[] wAct = w.row(1, 3 * hid);
    double[] wHPre = w.row(2, 3 * hid);
    double[] wH = w.row(3, hid);
    double[] wDxPre = w.row(4, 3 * hid);
    double[] wDhPre = w.row(5, 3 * hid);
    double[] wDh = w.row(6, hid);
    for (int r = 0; r < batch; r++) {
      widen(dOut, r * hid, wDOut, hid);
      widen(act, r * 3 * hid, wAct, 3 * hid);
      // Only h_n enters the backward; the r and z parts of the row are not read.
      widen(hPre, r * 3 * hid + 2 * hid, wHPre, 2 * hid, hid);
      widen(h, r * hid, wH, hid);
      gruBackwardRow(wDOut, wAct, wHPre, wH, wDxPre, wDhPre, wDh, 0, hid);
      narrow(wDxPre, dxPre, r * 3 * hid, 3 * hid);
      narrow(wDhPre, dhPre, r * 3 * hid, 3 * hid);
      narrow(wDh, dh, r * hid, hid);
    }
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

  // ---------------------------------------------------------------- shared

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

  /** {@code out[k] = x[from + k]}, k &lt; n. */
  private static void widen(float[] x, int from, double[] out, int n) {
    widen(x, from, out, 0, n);
  }

  /** {@code out[to + k] = x[from + k]}, k &lt; n. */
  private static void widen(float[] x, int from, double[] out, int to, int n) {
    for (int k = 0; k < n; k++) {
      out[to + k] = x[from + k];
    }
  }

  /** {@code out[to + k] = x[k]} rounded to the nearest float, k &lt; n. */
  private static void narrow(double[] x, float[] out, int to, int n) {
    for (int k = 0; k < n; k++) {
      out[to + k] = (float) x[k];
    }
  }

  /**
   * Per-thread row buffers for the float32 kernels (kernel scratch, never visible outside),
   * grown to the widest row seen.
   */
  private static final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    private final double[][] rows = new double[7][0];

    static Scratch get() {
      return LOCAL.get();
    }

    /** Buffer {@code k}, at least {@code n} long. */
    double[] row(int k, int n) {
      if (rows[k].length < n) {
        rows[k] = new double[n];
      }
      return rows[k];
    }
  }
}
