package dev.unfold.nn.train;

import java.util.Arrays;
import org.apache.commons.math3.random.Well19937c;

/**
 * The WELL19937c generator (Panneton, L'Ecuyer and Matsumoto 2006) whose complete state can be
 * saved in a checkpoint and restored, so that a resumed run draws exactly the numbers the
 * uninterrupted run would have drawn (dropout masks, sampling, data order).
 *
 * <p>NOTE: the parent class caches the second value of each Box–Muller pair in a private field
 * that cannot be saved; this class keeps that cache itself so the state is complete.
 */
public final class SeededRandom extends Well19937c {
  private static final long serialVersionUID = 1L;
  private double cachedGaussian;
  private boolean hasCachedGaussian;

  public SeededRandom(long seed) {
    super(seed);
  }

  @Override
  public void setSeed(long seed) {
    super.setSeed(seed);
    hasCachedGaussian = false;
  }

  @Override
  public void setSeed(int seed) {
    super.setSeed(seed);
    hasCachedGaussian = false;
  }

  @Override
  public void setSeed(int[] seed) {
    super.setSeed(seed);
    hasCachedGaussian = false;
  }

  /** A standard normal sample by the polar Box–Muller method, caching the pair's second value here. */
  @Override
  public double nextGaussian() {
    if (hasCachedGaussian) {
      hasCachedGaussian = false;
      return cachedGaussian;
    }
    double x;
    double y;
    double s;
    do {
      x = 2 * nextDouble() - 1;
      y = 2 * nextDouble() - 1;
      s = x * x + y * y;
    } while (s >= 1 || s == 0);
    double f = Math.sqrt(-2 * Math.log(s) / s);
    cachedGaussian = y * f;
    hasCachedGaussian = true;
    return x * f;
  }

  /** The whole state as numbers: the WELL pool, its index, and the cached Gaussian. */
  public long[] state() {
    long[] s = new long[v.length + 3];
    for (int i = 0; i < v.length; i++) {
      s[i] = v[i];
    }
    s[v.length] = index;
    s[v.length + 1] = hasCachedGaussian ? 1 : 0;
    s[v.length + 2] = Double.doubleToRawLongBits(cachedGaussian);
    return s;
  }

  /**
   * Restores a state from {@link #state()}.
   *
   * @throws IllegalArgumentException when the state has the wrong length or an impossible index
   */
  public void restore(long[] s) {
    if (s.length != v.length + 3 || s[v.length] < 0 || s[v.length] >= v.length || (s[v.length + 1] & ~1L) != 0) {
      throw new IllegalArgumentException("random generator state: expected " + (v.length + 3)
          + " values with a valid index, got " + s.length);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (int) s[i];
    }
    index = (int) s[v.length];
    hasCachedGaussian = s[v.length + 1] == 1;
    cachedGaussian = Double.longBitsToDouble(s[v.length + 2]);
  }

  @Override
  public String toString() {
    return "SeededRandom(WELL19937c, index " + index + ", pool hash " + Arrays.hashCode(v) + ")";
  }
}
