package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/** {@code y = ln x} (NaN for x &lt; 0, −∞ at 0); VJP {@code dx = dy / x}. */
public final class Log implements UnaryOp {
  @Override public String name() { return "log"; }
  @Override public Tensor forward(Tensor x) { return x.map(Math::log); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.div(x); }
}
