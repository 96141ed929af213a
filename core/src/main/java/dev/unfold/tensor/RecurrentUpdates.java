package dev.unfold.tensor;

import dev.unfold.tensor.kernel.RecurrentKernels;

/**
 * The element-wise update of an LSTM or GRU step on tensors, forward with its saved activations
 * and backward from them, each in one kernel pass ({@link RecurrentKernels}). The fused ops
 * {@code dev.unfold.op.LstmUpdate} and {@code GruUpdate} are built on these functions.
 *
 * <p>The functions never modify their arguments and return fresh tensors. The kernels are
 * float64: float32 arguments are widened, and the outputs and gradients rounded back to float32
 * (the saved activations stay float64, for the backward pass only). Shapes are checked here too;
 * a mismatch throws a {@link ShapeException} naming the function.
 */
public final class RecurrentUpdates {
  private RecurrentUpdates() {}

  /**
   * An LSTM update's results: {@code out} = h' ‖ c' [B×2H], the gate activations {@code gates}
   * = σ(i) ‖ σ(f) ‖ tanh(g) ‖ σ(o) [B×4H] and {@code tanhC} = tanh(c') [B×H].
   */
  public record Lstm(Tensor out, Tensor gates, Tensor tanhC) {}

  /** A GRU update's results: {@code out} = h' [B×H] and the activations {@code gates} = r ‖ z ‖ n [B×3H]. */
  public record Gru(Tensor out, Tensor gates) {}

  /**
   * LSTM update (PyTorch gate order i, f, g, o) for pre-activations {@code pre} [B×4H] and cell
   * state {@code c} [B×H]: {@code c' = σ(f)⊙c + σ(i)⊙tanh(g)}, {@code h' = σ(o)⊙tanh(c')}.
   */
  public static Lstm lstm(Tensor pre, Tensor c) {
    int hid = checkLstm("lstm_update", pre.shape(), c.shape());
    if (anyFloat32(pre, c)) {
      Lstm wide = lstm(pre.to(DType.FLOAT64), c.to(DType.FLOAT64));
      return new Lstm(wide.out().to(DType.FLOAT32), wide.gates(), wide.tanhC());
    }
    int batch = c.shape().dim(0);
    double[] gates = new double[pre.size()];
    double[] tanhC = new double[c.size()];
    double[] out = new double[2 * c.size()];
    RecurrentKernels.lstmForward(f64(pre), f64(c), batch, hid, gates, tanhC, out);
    return new Lstm(Tensor.wrap(Shape.of(batch, 2 * hid), out), Tensor.wrap(pre.shape(), gates),
        Tensor.wrap(c.shape(), tanhC));
  }

  /** The VJP of {@link #lstm}: {@code {dL/dpre, dL/dc}} from {@code dOut} = dL/d[h' ‖ c'] [B×2H]. */
  public static Tensor[] lstmBackward(Tensor dOut, Lstm forward, Tensor c) {
    checkSame("lstm_update backward", forward.out().shape(), dOut.shape());
    if (anyFloat32(dOut, c)) {
      return narrowed(lstmBackward(dOut.to(DType.FLOAT64), forward, c.to(DType.FLOAT64)));
    }
    int batch = c.shape().dim(0);
    int hid = c.shape().dim(1);
    double[] dPre = new double[forward.gates().size()];
    double[] dc = new double[c.size()];
    RecurrentKernels.lstmBackward(f64(dOut), f64(forward.gates()), f64(forward.tanhC()), f64(c), batch, hid, dPre, dc);
    return new Tensor[] {Tensor.wrap(forward.gates().shape(), dPre), Tensor.wrap(c.shape(), dc)};
  }

  /**
   * GRU update in PyTorch's form (gate order r, z, n) for {@code xPre} = x·W + b [B×3H],
   * {@code hPre} = h·U + b_h [B×3H] and state {@code h} [B×H]:
   * {@code r = σ(x_r + h_r)}, {@code z = σ(x_z + h_z)}, {@code n = tanh(x_n + r⊙h_n)},
   * {@code h' = (1 − z)⊙n + z⊙h}.
   */
  public static Gru gru(Tensor xPre, Tensor hPre, Tensor h) {
    int hid = checkGru("gru_update", xPre.shape(), hPre.shape(), h.shape());
    if (anyFloat32(xPre, hPre, h)) {
      Gru wide = gru(xPre.to(DType.FLOAT64), hPre.to(DType.FLOAT64), h.to(DType.FLOAT64));
      return new Gru(wide.out().to(DType.FLOAT32), wide.gates());
    }
    int batch = h.shape().dim(0);
    double[] gates = new double[xPre.size()];
    double[] out = new double[h.size()];
    RecurrentKernels.gruForward(f64(xPre), f64(hPre), f64(h), batch, hid, gates, out);
    return new Gru(Tensor.wrap(h.shape(), out), Tensor.wrap(xPre.shape(), gates));
  }

  /** The VJP of {@link #gru}: {@code {dL/dxPre, dL/dhPre, dL/dh}} from {@code dOut} = dL/dh' [B×H]. */
  public static Tensor[] gruBackward(Tensor dOut, Gru forward, Tensor hPre, Tensor h) {
    checkSame("gru_update backward", h.shape(), dOut.shape());
    if (anyFloat32(dOut, hPre, h)) {
      return narrowed(gruBackward(dOut.to(DType.FLOAT64), forward, hPre.to(DType.FLOAT64), h.to(DType.FLOAT64)));
    }
    int batch = h.shape().dim(0);
    int hid = h.shape().dim(1);
    double[] dxPre = new double[hPre.size()];
    double[] dhPre = new double[hPre.size()];
    double[] dh = new double[h.size()];
    RecurrentKernels.gruBackward(f64(dOut), f64(forward.gates()), f64(hPre), f64(h), batch, hid, dxPre, dhPre, dh);
    return new Tensor[] {Tensor.wrap(hPre.shape(), dxPre), Tensor.wrap(hPre.shape(), dhPre), Tensor.wrap(h.shape(), dh)};
  }

  /**
   * Checks {@code pre} [B×4H] and {@code c} [B×H] and returns H.
   *
   * @throws ShapeException whose message starts with {@code op}
   */
  public static int checkLstm(String op, Shape pre, Shape c) {
    if (pre.rank() != 2 || c.rank() != 2 || pre.dim(0) != c.dim(0) || pre.dim(1) != 4 * c.dim(1)) {
      throw ShapeException.of("%s: expects pre-activations [B×4H] and a cell state [B×H], got %s and %s", op, pre, c);
    }
    return c.dim(1);
  }

  /**
   * Checks {@code xPre} [B×3H], {@code hPre} [B×3H] and {@code h} [B×H] and returns H.
   *
   * @throws ShapeException whose message starts with {@code op}
   */
  public static int checkGru(String op, Shape xPre, Shape hPre, Shape h) {
    if (xPre.rank() != 2 || h.rank() != 2 || !xPre.equals(hPre) || xPre.dim(0) != h.dim(0)
        || xPre.dim(1) != 3 * h.dim(1)) {
      throw ShapeException.of("%s: expects input and hidden pre-activations [B×3H] and a state [B×H], got %s, %s and %s",
          op, xPre, hPre, h);
    }
    return h.dim(1);
  }

  private static void checkSame(String op, Shape expected, Shape actual) {
    if (!expected.equals(actual)) {
      throw ShapeException.of("%s: the output gradient is %s, the output %s", op, actual, expected);
    }
  }

  private static boolean anyFloat32(Tensor... ts) {
    for (Tensor t : ts) {
      if (t.dtype() == DType.FLOAT32) {
        return true;
      }
    }
    return false;
  }

  private static Tensor[] narrowed(Tensor[] grads) {
    for (int i = 0; i < grads.length; i++) {
      grads[i] = grads[i].to(DType.FLOAT32);
    }
    return grads;
  }

  private static double[] f64(Tensor t) {
    return t.storage();
  }
}
