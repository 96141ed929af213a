package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = a / b} with broadcasting; VJP {@code da = Σ dy / b}, {@code db = −Σ dy ⊙ y / b}. */
public final class Div implements BinaryOp {
  @Override public String name() { return "div"; }
  @Override public Tensor forward(Tensor a, Tensor b) { return a.div(b); }
  @Override public Tensor[] backward(Tensor dy, Tensor y, Tensor a, Tensor b) {
    return new Tensor[] {dy.div(b).sumTo(a.shape()), dy.mul(y).div(b).neg().sumTo(b.shape())};
  }
}
