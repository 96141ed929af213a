package dev.unfold.tensor;

import dev.unfold.tensor.kernel.RecurrentKernels;

/**
 * The element-wise update of an LSTM or GRU step on tensors, forward with its saved activations
 * and backward from them, each in one kernel pass ({@link RecurrentKernels}). The fused ops
 * {@code dev.unfold.op.LstmUpdate} and {@code GruUpdate} are built on these functions.
 *
 * <p>The functions never modify their arguments and return fresh tensors. They compute in
 * float32 when every argument is float32 (float arithmetic, with tanh and σ within 2 float ulps),
 * otherwise in float64, as PyTorch promotes; each gradient has the
 * type of its input. Shapes are checked here too; a mismatch throws a {@link ShapeException}
 * naming the function.
 */
public final class RecurrentUpdates {
  private RecurrentUpdates() {}

  /**
   * An LSTM update's results: {@code out} = h' ‖ c' [B×2H], the gate activations {@code gates}
   * = σ(i) ‖ σ(f) ‖ tanh(g) ‖ σ(o) [B×4H] and {@code tanhC} = tanh(c') [B×H], all of one type.
   */
  public record Lstm(Tensor out, Tensor gates, Tensor tanhC) {}

  /** A GRU update's results: {@code out} = h' [B×H] and the activations {@code gates} = r ‖ z ‖ n [B×3H]. */
  public record Gru(Tensor out, Tensor gates) {}

  /**
   * LSTM update (PyTorch gate order i, f, g, o) for {@code xPre} = x·W + b [B×4H],
   * {@code hPre} = h·U (+ b_h) [B×4H] and cell state {@code c} [B×H]: with
   * {@code pre = xPre + hPre}, {@code c' = σ(f)⊙c + σ(i)⊙tanh(g)}, {@code h' = σ(o)⊙tanh(c')}.
   */
  public static Lstm lstm(Tensor xPre, Tensor hPre, Tensor c) {
    int hid = checkLstm("lstm_update", xPre.shape(), hPre.shape(), c.shape());
    int batch = c.shape().dim(0);
    Shape outShape = Shape.of(batch, 2 * hid);
    if (allFloat32(xPre, hPre, c)) {
      float[] gates = new float[xPre.size()];
      float[] tanhC = new float[c.size()];
      float[] out = new float[2 * c.size()];
      RecurrentKernels.lstmForward(xPre.backingF32(), xPre.offset(), hPre.storageF32(), c.storageF32(), batch, hid, gates,
          tanhC, out);
      return new Lstm(Tensor.wrap(outShape, out), Tensor.wrap(xPre.shape(), gates), Tensor.wrap(c.shape(), tanhC));
    }
    double[] gates = new double[xPre.size()];
    double[] tanhC = new double[c.size()];
    double[] out = new double[2 * c.size()];
    Tensor x = xPre.to(DType.FLOAT64);
    RecurrentKernels.lstmForward(x.backing(), x.offset(), f64(hPre), f64(c), batch, hid, gates, tanhC, out);
    return new Lstm(Tensor.wrap(outShape, out), Tensor.wrap(xPre.shape(), gates), Tensor.wrap(c.shape(), tanhC));
  }

  /**
   * The VJP of {@link #lstm}: {@code {dL/dxPre, dL/dhPre, dL/dc}} from {@code dOut} = dL/d[h' ‖ c']
   * [B×2H]. The two pre-activation gradients are equal and, when the inputs have one type, the
   * same tensor.
   */
  public static Tensor[] lstmBackward(Tensor dOut, Lstm forward, Tensor xPre, Tensor hPre, Tensor c) {
    checkSame("lstm_update backward", forward.out().shape(), dOut.shape());
    int batch = c.shape().dim(0);
    int hid = c.shape().dim(1);
    Shape preShape = forward.gates().shape();
    Tensor dPre;
    Tensor dc;
    if (forward.out().dtype() == DType.FLOAT32) {
      float[] dp = new float[forward.gates().size()];
      float[] d = new float[c.size()];
      RecurrentKernels.lstmBackward(dOut.to(DType.FLOAT32).storageF32(), forward.gates().storageF32(),
          forward.tanhC().storageF32(), c.storageF32(), batch, hid, dp, d);
      dPre = Tensor.wrap(preShape, dp);
      dc = Tensor.wrap(c.shape(), d);
    } else {
      double[] dp = new double[forward.gates().size()];
      double[] d = new double[c.size()];
      RecurrentKernels.lstmBackward(f64(dOut), f64(forward.gates()), f64(forward.tanhC()), f64(c), batch, hid, dp, d);
      dPre = Tensor.wrap(preShape, dp);
      dc = Tensor.wrap(c.shape(), d);
    }
    // NOTE: one tensor for both pre-activations: tensors are immutable, and the graph's
    // accumulation copies a gradient before it adds into it (TensorSum).
    return new Tensor[] {dPre.to(xPre.dtype()), dPre.to(hPre.dtype()), dc.to(c.dtype())};
  }

  /**
   * GRU update in PyTorch's form (gate order r, z, n) for {@code xPre} = x·W + b [B×3H],
   * {@code hPre} = h·U + b_h [B×3H] and state {@code h} [B×H]:
   * {@code r = σ(x_r + h_r)}, {@code z = σ(x_z + h_z)}, {@code n = tanh(x_n + r⊙h_n)},
   * {@code h' = (1 − z)⊙n + z⊙h}.
   */
  public static Gru gru(Tensor xPre, Tensor hPre, Tensor h) {
    int hid = checkGru("gru_update", xPre.shape(), hPre.shape(), h.shape());
    int batch = h.shape().dim(0);
    if (allFloat32(xPre, hPre, h)) {
      float[] gates = new float[xPre.size()];
      float[] out = new float[h.size()];
      RecurrentKernels.gruForward(xPre.backingF32(), xPre.offset(), hPre.storageF32(), h.storageF32(), batch, hid, gates, out);
      return new Gru(Tensor.wrap(h.shape(), out), Tensor.wrap(xPre.shape(), gates));
    }
    double[] gates = new double[xPre.size()];
    double[] out = new double[h.size()];
    Tensor x = xPre.to(DType.FLOAT64);
    RecurrentKernels.gruForward(x.backing(), x.offset(), f64(hPre), f64(h), batch, hid, gates, out);
    return new Gru(Tensor.wrap(h.shape(), out), Tensor.wrap(xPre.shape(), gates));
  }

  /** The VJP of {@link #gru}: {@code {dL/dxPre, dL/dhPre, dL/dh}} from {@code dOut} = dL/dh' [B×H]. */
  public static Tensor[] gruBackward(Tensor dOut, Gru forward, Tensor xPre, Tensor hPre, Tensor h) {
    checkSame("gru_update backward", h.shape(), dOut.shape());
    int batch = h.shape().dim(0);
    int hid = h.shape().dim(1);
    Tensor[] grads;
    if (forward.out().dtype() == DType.FLOAT32) {
      float[] dxPre = new float[hPre.size()];
      float[] dhPre = new float[hPre.size()];
      float[] dh = new float[h.size()];
      RecurrentKernels.gruBackward(dOut.to(DType.FLOAT32).storageF32(), forward.gates().storageF32(),
          hPre.storageF32(), h.storageF32(), batch, hid, dxPre, dhPre, dh);
      grads = new Tensor[] {Tensor.wrap(hPre.shape(), dxPre), Tensor.wrap(hPre.shape(), dhPre), Tensor.wrap(h.shape(), dh)};
    } else {
      double[] dxPre = new double[hPre.size()];
      double[] dhPre = new double[hPre.size()];
      double[] dh = new double[h.size()];
      RecurrentKernels.gruBackward(f64(dOut), f64(forward.gates()), f64(hPre), f64(h), batch, hid, dxPre, dhPre, dh);
      grads = new Tensor[] {Tensor.wrap(hPre.shape(), dxPre), Tensor.wrap(hPre.shape(), dhPre), Tensor.wrap(h.shape(), dh)};
    }
    return new Tensor[] {grads[0].to(xPre.dtype()), grads[1].to(hPre.dtype()), grads[2].to(h.dtype())};
  }

  /**
   * Checks {@code xPre} [B×4H], {@code hPre} [B×4H] and {@code c} [B×H] and returns H.
   *
   * @throws ShapeException whose message starts with {@code op}
   */
  public static int checkLstm(String op, Shape xPre, Shape hPre, Shape c) {
    if (xPre.rank() != 2 || c.rank() != 2 || !xPre.equals(hPre) || xPre.dim(0) != c.dim(0)
        || xPre.dim(1) != 4 * c.dim(1)) {
      throw ShapeException.of("%s: expects input and hidden pre-activations [B×4H] and a cell state [B×H], "
          + "got %s, %s and %s", op, xPre, hPre, c);
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

  private static boolean allFloat32(Tensor... ts) {
    for (Tensor t : ts) {
      if (t.dtype() != DType.FLOAT32) {
        return false;
      }
    }
    return true;
  }

  /** The float64 storage of {@code t}, converted first if it is float32 (mixed arguments). */
  private static double[] f64(Tensor t) {
    return t.to(DType.FLOAT64).storage();
  }
}
