package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = −x}; VJP {@code dx = −dy}. */
public final class Neg implements UnaryOp {
  @Override public String name() { return "neg"; }
  @Override public Tensor forward(Tensor x) { return x.neg(); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.neg(); }
}
