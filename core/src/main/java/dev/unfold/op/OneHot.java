package dev.unfold.op;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * One-hot encoding of whole-number class indices {@code [I…]} into {@code [I…×depth]}. Not
 * differentiable: indices are data, so the output is a constant.
 */
public final class OneHot implements Op {
  private final int depth;

  public OneHot(int depth) {
    Preconditions.checkArgument(depth > 0, "one_hot: depth must be positive, got %s", depth);
    this.depth = depth;
  }

  @Override public String name() { return "one_hot"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 1);
    return in.get(0).append(depth);
  }

  @Override public Applied apply(Tensor... in) {
    Tensor y = Tensor.oneHot(in[0].toIntArray(name() + " indices"), in[0].shape(), depth);
    return new Applied(y, dy -> new Tensor[] {null});
  }

  @Override public boolean differentiable() { return false; }

  @Override public String toString() { return "one_hot(" + depth + ")"; }
}
