package dev.unfold.tensor;

import com.google.common.base.Preconditions;
import java.util.Locale;
import org.apache.commons.math3.random.RandomGenerator;

/** Factories for {@link Tensor}: constants, nested arrays and seeded random values. */
public final class Tensors {
  private Tensors() {}

  public static Tensor zeros(Shape shape) {
    return Tensor.wrap(shape, new double[shape.size()]);
  }

  /** Zeros of the given element type. */
  public static Tensor zeros(Shape shape, DType dtype) {
    return dtype == DType.FLOAT32 ? Tensor.wrap(shape, new float[shape.size()]) : zeros(shape);
  }

  public static Tensor zeros(int... dims) {
    return zeros(Shape.of(dims));
  }

  public static Tensor ones(Shape shape) {
    return full(shape, 1.0);
  }

  public static Tensor ones(int... dims) {
    return ones(Shape.of(dims));
  }

  /** Every element equal to {@code value}. */
  public static Tensor full(Shape shape, double value) {
    double[] d = new double[shape.size()];
    java.util.Arrays.fill(d, value);
    return Tensor.wrap(shape, d);
  }

  /** A rank-0 tensor. */
  public static Tensor scalar(double value) {
    return Tensor.wrap(Shape.scalar(), new double[] {value});
  }

  /** A tensor of {@code shape} holding {@code values} in row-major order (copied). */
  public static Tensor of(Shape shape, double... values) {
    if (values.length != shape.size()) {
      throw ShapeException.of("Tensors.of: shape %s needs %d values, got %d", shape, shape.size(), values.length);
    }
    return Tensor.wrap(shape, values.clone());
  }

  /** A rank-1 tensor. */
  public static Tensor vector(double... values) {
    return of(Shape.of(values.length), values);
  }

  /** A rank-1 tensor of whole numbers, for indices and class labels. */
  public static Tensor indices(int... values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return Tensor.wrap(Shape.of(values.length), d);
  }

  /** A rank-2 tensor from rows, which must all have the same length. */
  public static Tensor of(double[][] rows) {
    int n = rows.length;
    int m = n == 0 ? 0 : rows[0].length;
    double[] d = new double[n * m];
    for (int i = 0; i < n; i++) {
      checkRagged(rows[i].length, m, "row", i);
      System.arraycopy(rows[i], 0, d, i * m, m);
    }
    return Tensor.wrap(Shape.of(n, m), d);
  }

  /** A rank-3 tensor from matrices, which must all have the same shape. */
  public static Tensor of(double[][][] blocks) {
    int b = blocks.length;
    int n = b == 0 ? 0 : blocks[0].length;
    int m = n == 0 ? 0 : blocks[0][0].length;
    double[] d = new double[b * n * m];
    for (int p = 0; p < b; p++) {
      checkRagged(blocks[p].length, n, "block", p);
      for (int i = 0; i < n; i++) {
        checkRagged(blocks[p][i].length, m, "row of block " + p, i);
        System.arraycopy(blocks[p][i], 0, d, (p * n + i) * m, m);
      }
    }
    return Tensor.wrap(Shape.of(b, n, m), d);
  }

  private static void checkRagged(int got, int expected, String what, int index) {
    if (got != expected) {
      throw ShapeException.of("Tensors.of: ragged array, %s %d has length %d, expected %d", what, index, got, expected);
    }
  }

  /** Independent normal samples with the given mean and standard deviation. */
  public static Tensor normal(RandomGenerator rng, Shape shape, double mean, double std) {
    Preconditions.checkArgument(std >= 0, "normal: negative standard deviation %s", std);
    double[] d = new double[shape.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = mean + std * rng.nextGaussian();
    }
    return Tensor.wrap(shape, d);
  }

  /** Independent uniform samples in {@code [lo, hi)}. */
  public static Tensor uniform(RandomGenerator rng, Shape shape, double lo, double hi) {
    if (!(lo <= hi)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "uniform: empty range [%s, %s)", lo, hi));
    }
    double[] d = new double[shape.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * rng.nextDouble();
    }
    return Tensor.wrap(shape, d);
  }

  /** {@code 0, 1, …, n−1} as a rank-1 tensor. */
  public static Tensor arange(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = i;
    }
    return Tensor.wrap(Shape.of(n), d);
  }
}
