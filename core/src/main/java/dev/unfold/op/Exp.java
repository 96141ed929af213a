package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = eˣ}; VJP {@code dx = dy ⊙ y}. */
public final class Exp implements UnaryOp {
  @Override public String name() { return "exp"; }
  @Override public Tensor forward(Tensor x) { return x.map(Math::exp); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.mul(y); }
}
