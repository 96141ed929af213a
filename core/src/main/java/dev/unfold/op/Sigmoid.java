package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/**
 * {@code y = σ(x) = 1 / (1 + e⁻ˣ)}; VJP {@code dx = dy ⊙ y ⊙ (1 − y)}.
 *
 * <p>A primitive for stability: NOTE: for x &lt; 0 it is computed as {@code eˣ / (1 + eˣ)} so
 * that e⁻ˣ never overflows; the gates of GRU and LSTM cells use it at every step.
 */
public final class Sigmoid implements UnaryOp {
  @Override public String name() { return "sigmoid"; }
  @Override public Tensor forward(Tensor x) { return x.sigmoid(); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return y.sigmoidVjp(dy); }

  /** The logistic function, stable for inputs of any magnitude. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }
}
