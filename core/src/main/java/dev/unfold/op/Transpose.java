package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Reorders axes: axis i of y is axis {@code perm[i]} of x; without a permutation, swaps the last
 * two axes. VJP {@code dx = dy} permuted back by the inverse permutation.
 */
public final class Transpose implements UnaryOp {
  private final int[] perm;

  /** Swaps the last two axes. */
  public Transpose() {
    this.perm = null;
  }

  /** Applies the permutation {@code perm}. */
  public Transpose(int... perm) {
    this.perm = perm.clone();
  }

  @Override public String name() { return "transpose"; }

  private int[] permFor(Shape s) {
    if (perm != null) {
      Tensor.checkPermutation(name(), s, perm);
      return perm;
    }
    if (s.rank() < 2) {
      throw dev.unfold.tensor.ShapeException.of("%s: needs rank ≥ 2, got %s", name(), s);
    }
    int[] p = new int[s.rank()];
    for (int i = 0; i < p.length; i++) {
      p[i] = i;
    }
    p[p.length - 2] = p.length - 1;
    p[p.length - 1] = p.length - 2;
    return p;
  }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 1);
    Shape s = in.get(0);
    int[] p = permFor(s);
    int[] d = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      d[i] = s.dim(p[i]);
    }
    return Shape.of(d);
  }

  @Override public Tensor forward(Tensor x) { return x.permute(permFor(x.shape())); }

  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) {
    int[] p = permFor(x.shape());
    int[] inverse = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      inverse[p[i]] = i;
    }
    return dy.permute(inverse);
  }

  @Override public String toString() { return perm == null ? "transpose" : "transpose" + Arrays.toString(perm); }
}
