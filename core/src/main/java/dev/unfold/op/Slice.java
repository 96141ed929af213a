package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Indices {@code [start, end)} along one axis; VJP {@code dx} = dy padded with zeros back to x's shape. */
public final class Slice implements UnaryOp {
  private final int axis;
  private final int start;
  private final int end;

  public Slice(int axis, int start, int end) {
    this.axis = axis;
    this.start = start;
    this.end = end;
  }

  @Override public String name() { return "slice"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 1);
    Shape s = in.get(0);
    Tensor.checkSlice(name(), s, axis, start, end);
    return s.withDim(axis, end - start);
  }

  @Override public Tensor forward(Tensor x) { return x.slice(axis, start, end); }

  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) {
    return dy.pad(axis, start, x.shape().dim(axis) - end);
  }

  /**
   * NOTE: the pullback hands dy to the graph as a slice of x's gradient, so splitting a fused
   * gate pre-activation into k gates costs no k padded, mostly-zero gradients to add up.
   */
  @Override public Applied apply(Tensor... in) {
    Tensor x = in[0];
    Tensor y = forward(x);
    return new Applied(y, new Op.SinkVjp() {
      @Override public Tensor[] pullback(Tensor dy) {
        return new Tensor[] {backward(dy, y, x)};
      }

      @Override public void pullback(Tensor dy, Op.Gradients out) {
        out.addSlice(0, dy, axis, start);
      }
    });
  }

  @Override public String toString() { return "slice(axis=" + axis + ", " + start + ":" + end + ")"; }
}
