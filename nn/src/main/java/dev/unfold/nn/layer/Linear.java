package dev.unfold.nn.layer;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;

/**
 * An affine layer {@code y = x·W + b} with W [in×out] and b [out], for x [B×in] or a whole
 * sequence [T×B×in] at once. Parameters {@code W} (Xavier uniform) and {@code b} (zeros).
 */
public final class Linear {
  private final Parameter w;
  private final Parameter b;

  public Linear(Params p, int in, int out) {
    this(p.create("W", Shape.of(in, out), Init.xavierUniform()), p.create("b", Shape.of(out), Init.zeros()));
  }

  /** A layer over existing parameters, W [in×out] and b [out]. */
  public Linear(Parameter w, Parameter b) {
    if (w.shape().rank() != 2 || !b.shape().equals(Shape.of(w.shape().dim(1)))) {
      throw ShapeException.of("linear: W must be [in×out] and b [out], got %s and %s", w.shape(), b.shape());
    }
    this.w = w;
    this.b = b;
  }

  public int inSize() {
    return w.shape().dim(0);
  }

  public int outSize() {
    return w.shape().dim(1);
  }

  public Parameter weight() {
    return w;
  }

  public Parameter bias() {
    return b;
  }

  /** {@code x·W + b}. */
  public Node apply(Graph g, Node x) {
    return x.matmulAdd(g.param(w), g.param(b));
  }
}
