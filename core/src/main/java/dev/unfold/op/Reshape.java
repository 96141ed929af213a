package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The same elements in a new shape; one dimension may be {@code −1} and is then inferred.
 * VJP {@code dx = dy} reshaped to x's shape.
 */
public final class Reshape implements UnaryOp {
  private final int[] dims;

  public Reshape(int... dims) {
    this.dims = dims.clone();
  }

  @Override public String name() { return "reshape"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 1);
    return resolve(in.get(0));
  }

  private Shape resolve(Shape from) {
    int[] d = dims.clone();
    int unknown = -1;
    int known = 1;
    for (int i = 0; i < d.length; i++) {
      if (d[i] == -1 && unknown < 0) {
        unknown = i;
      } else if (d[i] < 0) {
        throw ShapeException.of("%s: invalid target %s (only one −1 allowed, no other negatives)", name(), Arrays.toString(dims));
      } else {
        known *= d[i];
      }
    }
    if (unknown >= 0) {
      if (known == 0 || from.size() % known != 0) {
        throw ShapeException.of("%s: cannot reshape %s (%d elements) to %s", name(), from, from.size(), Arrays.toString(dims));
      }
      d[unknown] = from.size() / known;
    }
    Shape to = Shape.of(d);
    if (to.size() != from.size()) {
      throw ShapeException.of("%s: cannot reshape %s (%d elements) to %s (%d elements)", name(), from, from.size(), to, to.size());
    }
    return to;
  }

  @Override public Tensor forward(Tensor x) { return x.reshape(resolve(x.shape())); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.reshape(x.shape()); }
  @Override public String toString() { return "reshape" + Arrays.toString(dims); }
}
