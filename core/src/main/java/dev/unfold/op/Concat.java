package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Joins its inputs along one axis; all other dimensions must agree. VJP: each input receives
 * its own slice of dy.
 */
public final class Concat implements Op {
  private final int axis;

  public Concat(int axis) {
    this.axis = axis;
  }

  @Override public String name() { return "concat"; }

  @Override public Shape outputShape(List<Shape> in) {
    return Tensor.concatShape(name(), axis, in);
  }

  @Override public Applied apply(Tensor... in) {
    Tensor y = Tensor.concat(axis, Arrays.asList(in));
    int[] sizes = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      sizes[i] = in[i].shape().dim(axis);
    }
    return new Applied(y, dy -> {
      Tensor[] dx = new Tensor[sizes.length];
      int start = 0;
      for (int i = 0; i < sizes.length; i++) {
        dx[i] = dy.slice(axis, start, start + sizes[i]);
        start += sizes[i];
      }
      return dx;
    });
  }

  @Override public String toString() { return "concat(axis=" + axis + ")"; }
}
