package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/**
 * {@code y = xᵖ} for a constant exponent p; VJP {@code dx = dy ⊙ p·xᵖ⁻¹}. Square and square
 * root are this op with p = 2 and p = ½. Never modifies its input.
 */
public final class Pow implements UnaryOp {
  private final double p;

  public Pow(double p) {
    this.p = p;
  }

  public double exponent() {
    return p;
  }

  @Override public String name() { return "pow"; }
  @Override public Tensor forward(Tensor x) { return x.map(v -> p == 2 ? v * v : Math.pow(v, p)); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) {
    return dy.zip(x, (g, v) -> g * p * (p == 2 ? v : Math.pow(v, p - 1)));
  }

  @Override public String toString() { return "pow(" + p + ")"; }
}
