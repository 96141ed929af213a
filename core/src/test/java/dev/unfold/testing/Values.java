package dev.unfold.testing;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/** Seeded test inputs, sampled away from the kinks and poles of the ops they feed. */
public final class Values {
  private Values() {}

  /** Uniform in {@code [lo, hi)}. */
  public static Tensor uniform(long seed, double lo, double hi, int... dims) {
    return Tensors.uniform(new Well19937c(seed), Shape.of(dims), lo, hi);
  }

  /** Standard-normal-ish values in (−1, 1) with |x| ≥ 0.1: away from the kinks of relu, abs and clamp at 0. */
  public static Tensor awayFromZero(long seed, int... dims) {
    RandomGenerator rng = new Well19937c(seed);
    Shape s = Shape.of(dims);
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (0.1 + 0.9 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
    }
    return Tensors.of(s, d);
  }

  /** Values in [0.5, 2): safe for log, sqrt, negative powers and division. */
  public static Tensor positive(long seed, int... dims) {
    return uniform(seed, 0.5, 2.0, dims);
  }

  /** Values in (−1, 1). */
  public static Tensor signed(long seed, int... dims) {
    return uniform(seed, -1, 1, dims);
  }
}
