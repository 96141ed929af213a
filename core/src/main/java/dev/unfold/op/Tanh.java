package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = tanh x}; VJP {@code dx = dy ⊙ (1 − y²)}. A primitive: the recurrent cells' main nonlinearity. */
public final class Tanh implements UnaryOp {
  @Override public String name() { return "tanh"; }
  @Override public Tensor forward(Tensor x) { return x.tanh(); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return y.tanhVjp(dy); }
}
