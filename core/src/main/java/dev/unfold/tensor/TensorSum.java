package dev.unfold.tensor;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.kernel.Elementwise;
import dev.unfold.tensor.kernel.Layout;
import dev.unfold.tensor.kernel.MatMul;

/**
 * A running sum of same-shaped tensors that adds in place into storage it owns: backprop's
 * gradient accumulation, where a parameter used at every time step receives one contribution
 * per step. n contributions cost one new tensor instead of n − 1, and the sum is formed in the
 * order the contributions arrive, exactly as {@code ((a + b) + c) + …}.
 *
 * <p>The storage is never visible while it can change: {@link #result()} hands it out as a
 * tensor once, after which the sum refuses further additions. Not thread-safe.
 */
public final class TensorSum {
  private final Shape shape;
  private double[] acc;

  private TensorSum(Shape shape, double[] acc) {
    this.shape = shape;
    this.acc = acc;
  }

  /** A sum starting at zero. */
  public static TensorSum zeros(Shape shape) {
    return new TensorSum(shape, new double[shape.size()]);
  }

  /** A sum starting with a copy of {@code first}, which is not modified. */
  public static TensorSum of(Tensor first) {
    return new TensorSum(first.shape(), first.toArray());
  }

  /** A sum starting with the product {@code op(a)·op(b)} (see {@link Tensor#matmul(Tensor, boolean, boolean)}). */
  public static TensorSum ofProduct(Tensor a, boolean transA, Tensor b, boolean transB) {
    Tensor p = a.matmul(b, transA, transB);  // fresh and referenced nowhere else: its storage is ours
    return new TensorSum(p.shape(), p.storage());
  }

  /** A sum starting with {@code first + second}; neither is modified. */
  public static TensorSum of(Tensor first, Tensor second) {
    checkShape(first.shape(), second);
    return new TensorSum(first.shape(), first.add(second).storage());
  }

  /** Adds {@code t} in place; {@code t} is not modified. */
  public void add(Tensor t) {
    Preconditions.checkState(acc != null, "TensorSum: the result was already taken");
    checkShape(shape, t);
    Elementwise.addInto(acc, t.storage());
  }

  /**
   * Adds the product {@code op(a)·op(b)} of rank-2 tensors in place, with no intermediate tensor:
   * each element continues its fused multiply-add chain from the running sum.
   */
  public void addProduct(Tensor a, boolean transA, Tensor b, boolean transB) {
    Preconditions.checkState(acc != null, "TensorSum: the result was already taken");
    if (a.rank() != 2 || b.rank() != 2) {
      throw ShapeException.of("TensorSum: products take rank-2 operands, got %s and %s", a.shape(), b.shape());
    }
    MatMulShape g = MatMulShape.of("TensorSum", a.shape(), transA, b.shape(), transB);
    if (!g.out().equals(shape)) {
      throw ShapeException.of("TensorSum: the product is %s, the sum %s", g.out(), shape);
    }
    MatMul.multiplyAdd(g.n(), g.k(), g.m(), a.storage(), transA, b.storage(), transB, acc);
  }

  /**
   * Adds {@code part} in place at indices {@code [start, start + part's length)} along
   * {@code axis}; the other dimensions must agree. {@code part} is not modified.
   */
  public void addSlice(Tensor part, int axis, int start) {
    Preconditions.checkState(acc != null, "TensorSum: the result was already taken");
    int a = shape.axis(axis);
    int pn = part.rank() == shape.rank() ? part.shape().dim(a) : -1;
    if (pn < 0 || !part.shape().withDim(a, 0).equals(shape.withDim(a, 0)) || start < 0 || start + pn > shape.dim(a)) {
      throw ShapeException.of("TensorSum: a slice %s at %d along axis %d does not fit %s", part.shape(), start, axis, shape);
    }
    Layout.addPlace(part.storage(), shape.outer(a), pn, shape.inner(a), acc, shape.dim(a), start);
  }

  /** The sum as a tensor; the sum can no longer change afterwards. */
  public Tensor result() {
    Preconditions.checkState(acc != null, "TensorSum: the result was already taken");
    Tensor t = Tensor.wrap(shape, acc);
    acc = null;
    return t;
  }

  private static void checkShape(Shape expected, Tensor t) {
    if (!expected.equals(t.shape())) {
      throw ShapeException.of("TensorSum: shapes differ, %s and %s", expected, t.shape());
    }
  }
}
