package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = a + b} with broadcasting; VJP {@code da = Σ dy}, {@code db = Σ dy} over broadcast axes. */
public final class Add implements BinaryOp {
  @Override public String name() { return "add"; }
  @Override public Tensor forward(Tensor a, Tensor b) { return a.add(b); }
  @Override public Tensor[] backward(Tensor dy, Tensor y, Tensor a, Tensor b) {
    return new Tensor[] {dy.sumTo(a.shape()), dy.sumTo(b.shape())};
  }
}
