package dev.unfold.tensor.kernel;

/**
 * The element-wise part of an LSTM or GRU step, forward and backward, as one pass over
 * row-major [B×k·H] arrays instead of a dozen element-wise maps. Internal.
 *
 * <p>The forward loops do the same IEEE operations in the same order as the unfused graphs of
 * the cells (sigmoid and tanh through {@link Transcendental}'s formulas, on the SIMD path when it
 * is in use), so fused and unfused forward values are bit-identical. The backward loops give
 * the same gradients up to rounding: sums over several consumers are formed in another order.
 *
 * <p>NOTE: one pass reads each pre-activation once and writes each result once; the unfused
 * graph allocates and traverses a [B×H] array per add, mul, sigmoid and tanh and again per VJP.
 * The loops over j within a row are plain and branch-free, which C2 vectorises.
 */
public final class RecurrentKernels {
  private RecurrentKernels() {}

  /**
   * LSTM forward, gates in PyTorch's order i, f, g, o.
   *
   * @param pre [B×4H] gate pre-activations
   * @param c [B×H] previous cell state
   * @param act out: [B×4H] activations σ(i), σ(f), tanh(g), σ(o)
   * @param tanhC out: [B×H] tanh(c')
   * @param out out: [B×2H] h' ‖ c', with c' = f⊙c + i⊙g and h' = o⊙tanh(c')
   */
  public static void lstmForward(double[] pre, double[] c, int batch, int hid, double[] act, double[] tanhC,
      double[] out) {
    for (int r = 0; r < batch; r++) {
      int a = r * 4 * hid;
      int s = r * hid;
      int o = r * 2 * hid;
      sigmoid(pre, a, act, a, 2 * hid);
      tanh(pre, a + 2 * hid, act, a + 2 * hid, hid);
      sigmoid(pre, a + 3 * hid, act, a + 3 * hid, hid);
      for (int j = 0; j < hid; j++) {
        // NOTE: (f·c) + (i·g) as two roundings, exactly as f.mul(c).add(i.mul(g)); Java never contracts to an fma.
        out[o + hid + j] = act[a + hid + j] * c[s + j] + act[a + j] * act[a + 2 * hid + j];
      }
      tanh(out, o + hid, tanhC, s, hid);
      for (int j = 0; j < hid; j++) {
        out[o + j] = act[a + 3 * hid + j] * tanhC[s + j];
      }
    }
  }

  /**
   * LSTM backward from {@code dOut} = dL/d[h' ‖ c'] [B×2H], given the forward's {@code act} and
   * {@code tanhC} and the previous cell state {@code c}.
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
  }

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
