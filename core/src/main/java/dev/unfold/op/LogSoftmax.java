package dev.unfold.op;

import dev.unfold.tensor.Tensor;

/**
 * {@code y = x − log Σ exp(x)} along one axis; VJP {@code dx = dy − softmax(x) ⊙ Σ dy}.
 *
 * <p>A primitive for stability: NOTE: log(softmax(x)) as a composite underflows to log(0) for
 * large |x|; the fused form subtracts the max first and is exact for inputs of magnitude 1e3.
 * Softmax is the composite {@code exp(logSoftmax(x))}.
 */
public final class LogSoftmax implements UnaryOp {
  private final int axis;

  public LogSoftmax(int axis) {
    this.axis = axis;
  }

  @Override public String name() { return "log_softmax"; }
  @Override public Tensor forward(Tensor x) { return x.logSoftmax(axis); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return y.logSoftmaxVjp(dy, axis); }
  @Override public String toString() { return "log_softmax(axis=" + axis + ")"; }
}
