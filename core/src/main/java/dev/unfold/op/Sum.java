package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * The sum of all elements (a scalar), or along one axis, optionally keeping that axis with
 * length 1. VJP {@code dx = dy} broadcast back over the summed axis. Mean is a composite of this.
 */
public final class Sum implements UnaryOp {
  private final Integer axis;
  private final boolean keepDims;

  /** Sums every element into a scalar. */
  public Sum() {
    this.axis = null;
    this.keepDims = false;
  }

  /** Sums along {@code axis} (negative counts from the end). */
  public Sum(int axis, boolean keepDims) {
    this.axis = axis;
    this.keepDims = keepDims;
  }

  @Override public String name() { return "sum"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 1);
    Shape s = in.get(0);
    if (axis == null) {
      return Shape.scalar();
    }
    return keepDims ? s.withDim(axis, 1) : s.without(axis);
  }

  @Override public Tensor forward(Tensor x) { return axis == null ? x.sum() : x.sum(axis, keepDims); }

  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) {
    Tensor kept = axis == null ? dy : dy.reshape(x.shape().withDim(axis, 1));
    return kept.broadcastTo(x.shape());
  }

  @Override public String toString() {
    return axis == null ? "sum" : "sum(axis=" + axis + (keepDims ? ", keepDims" : "") + ")";
  }
}
