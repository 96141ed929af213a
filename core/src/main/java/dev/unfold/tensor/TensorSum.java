package dev.unfold.tensor;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.kernel.Elementwise;

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
