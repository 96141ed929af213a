package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = a ⊙ b} with broadcasting; VJP {@code da = Σ dy ⊙ b}, {@code db = Σ dy ⊙ a}. */
public final class Mul implements BinaryOp {
  @Override public String name() { return "mul"; }
  @Override public Tensor forward(Tensor a, Tensor b) { return a.mul(b); }
  @Override public Tensor[] backward(Tensor dy, Tensor y, Tensor a, Tensor b) {
    return new Tensor[] {dy.mul(b).sumTo(a.shape()), dy.mul(a).sumTo(b.shape())};
  }
}
