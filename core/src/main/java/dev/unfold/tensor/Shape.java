package dev.unfold.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor, outermost first (row-major). Immutable; {@code equals} compares
 * the dimensions. A shape of rank 0 is a scalar with one element. Written {@code [3×4]}.
 */
public final class Shape {
  private static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    this.dims = dims;
    long n = 1;
    for (int d : dims) {
      n *= d;
      // NOTE: the message is built only on failure; formatting it eagerly cost a string per shape.
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
      }
    }
    this.size = (int) n;
  }

  /** A shape with the given dimensions; every dimension must be zero or positive. */
  public static Shape of(int... dims) {
    if (dims.length == 0) {
      return SCALAR;
    }
    for (int d : dims) {
      if (d < 0) {
        throw ShapeException.of("negative dimension in shape %s", Arrays.toString(dims));
      }
    }
    return new Shape(dims.clone());
  }

  /** The shape of a scalar: rank 0, one element. */
  public static Shape scalar() {
    return SCALAR;
  }

  public int rank() {
    return dims.length;
  }

  /** Number of elements: the product of the dimensions (1 for a scalar). */
  public int size() {
    return size;
  }

  /** The length of an axis; a negative axis counts from the end ({@code -1} is the last). */
  public int dim(int axis) {
    return dims[axis(axis)];
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** Normalises an axis (negative counts from the end) and checks it is in range. */
  public int axis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw ShapeException.of("axis %d is out of range for shape %s of rank %d", axis, this, dims.length);
    }
    return a;
  }

  /** Product of the dimensions before {@code axis}. */
  public int outer(int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Product of the dimensions after {@code axis}. */
  public int inner(int axis) {
    int n = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** This shape with one axis set to a new length. */
  public Shape withDim(int axis, int length) {
    int[] d = dims.clone();
    d[axis(axis)] = length;
    return Shape.of(d);
  }

  /** This shape with one axis removed. */
  public Shape without(int axis) {
    int a = axis(axis);
    int[] d = new int[dims.length - 1];
    System.arraycopy(dims, 0, d, 0, a);
    System.arraycopy(dims, a + 1, d, a, dims.length - a - 1);
    return Shape.of(d);
  }

  /** This shape followed by more dimensions. */
  public Shape append(int... more) {
    int[] d = Arrays.copyOf(dims, dims.length + more.length);
    System.arraycopy(more, 0, d, dims.length, more.length);
    return Shape.of(d);
  }

  /**
   * The NumPy broadcast of two shapes: aligned from the right, each pair of dimensions must be
   * equal or one of them 1.
   *
   * @throws ShapeException naming {@code op} and both shapes when they do not broadcast
   */
  public static Shape broadcast(String op, Shape a, Shape b) {
    if (a.equals(b)) {
      return a;
    }
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
      int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw ShapeException.of("%s: shapes %s and %s do not broadcast (dimension %d of the result: %d vs %d)",
            op, a, b, i, da, db);
      }
      out[i] = da == 1 ? db : da;
    }
    return Shape.of(out);
  }

  /** True when this shape broadcasts to {@code target} without changing {@code target}. */
  public boolean broadcastsTo(Shape target) {
    if (rank() > target.rank()) {
      return false;
    }
    int off = target.rank() - rank();
    for (int i = 0; i < rank(); i++) {
      if (dims[i] != 1 && dims[i] != target.dims[off + i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Written {@code [3×4]}; a scalar is {@code []}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append('×');
      }
      sb.append(dims[i]);
    }
    return sb.append(']').toString();
  }
}
