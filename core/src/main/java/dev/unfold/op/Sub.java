package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/**
 * {@code y = a − b} with broadcasting; VJP {@code da = Σ dy}, {@code db = −Σ dy}. A primitive
 * rather than {@code a + (−b)} because differences are everywhere in recurrent cells and one node
 * reads better in dumps than two.
 */
public final class Sub implements BinaryOp {
  @Override public String name() { return "sub"; }
  @Override public Tensor forward(Tensor a, Tensor b) { return a.sub(b); }
  @Override public Tensor[] backward(Tensor dy, Tensor y, Tensor a, Tensor b) {
    return new Tensor[] {dy.sumTo(a.shape()), dy.neg().sumTo(b.shape())};
  }
}
