package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = max(x, 0)}; VJP {@code dx = dy} where x &gt; 0, else 0 (the subgradient 0 at the kink). */
public final class Relu implements UnaryOp {
  @Override public String name() { return "relu"; }
  @Override public Tensor forward(Tensor x) { return x.map(v -> v > 0 ? v : 0.0); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.zip(x, (g, v) -> v > 0 ? g : 0.0); }
}
