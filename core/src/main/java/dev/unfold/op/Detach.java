package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/**
 * {@code y = x} with no gradient flowing back: the graph treats the output as a constant.
 * Truncated backprop-through-time cuts the gradient at chunk boundaries with it.
 */
public final class Detach implements UnaryOp {
  @Override public String name() { return "detach"; }
  @Override public Tensor forward(Tensor x) { return x; }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return null; }
  @Override public boolean differentiable() { return false; }
}
