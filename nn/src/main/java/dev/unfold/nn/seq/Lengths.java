package dev.unfold.nn.seq;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.Arrays;
import java.util.Locale;

/**
 * The number of valid steps of each sequence in a padded batch: sequence b is valid at steps
 * {@code t < length(b)} and padding after. Padded steps change no state and, through
 * {@link #mask(int)}, contribute no loss.
 *
 * <p>Every length must be at least 1: a sequence that is all padding is an error (drop it
 * from the batch) rather than a silently skipped example.
 */
public final class Lengths {
  private final int[] lengths;
  private final int max;

  private Lengths(int[] lengths) {
    this.lengths = lengths;
    this.max = Arrays.stream(lengths).max().orElse(0);
  }

  /** Lengths of the sequences of a batch, in batch order. */
  public static Lengths of(int... lengths) {
    if (lengths.length == 0) {
      throw new IllegalArgumentException("lengths: the batch is empty");
    }
    for (int b = 0; b < lengths.length; b++) {
      if (lengths[b] < 1) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "lengths: sequence %d has length %d, so every step is padding; drop it from the batch", b, lengths[b]));
      }
    }
    return new Lengths(lengths.clone());
  }

  /** Every one of {@code batch} sequences is {@code steps} long. */
  public static Lengths full(int batch, int steps) {
    int[] l = new int[batch];
    Arrays.fill(l, steps);
    return of(l);
  }

  public int batch() {
    return lengths.length;
  }

  public int length(int b) {
    return lengths[b];
  }

  public int max() {
    return max;
  }

  /** Checks that these lengths describe a batch of {@code batch} sequences padded to {@code steps}. */
  public void check(int batch, int steps) {
    if (batch != lengths.length) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "lengths: %d lengths for a batch of %d sequences", lengths.length, batch));
    }
    if (max > steps) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "lengths: a sequence of length %d in a batch padded to %d steps", max, steps));
    }
  }

  /** True when every sequence is still valid at step {@code t}. */
  public boolean allValid(int t) {
    for (int l : lengths) {
      if (t >= l) {
        return false;
      }
    }
    return true;
  }

  /** 1 where sequence b is valid at step t, else 0; shape [B×1]. */
  public Tensor mask(int t) {
    double[] m = new double[lengths.length];
    for (int b = 0; b < m.length; b++) {
      m[b] = t < lengths[b] ? 1 : 0;
    }
    return Tensors.of(Shape.of(lengths.length, 1), m);
  }

  /** The masks of all steps, shape [T×B×1]. */
  public Tensor masks(int steps) {
    double[] m = new double[steps * lengths.length];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < lengths.length; b++) {
        m[t * lengths.length + b] = t < lengths[b] ? 1 : 0;
      }
    }
    return Tensors.of(Shape.of(steps, lengths.length, 1), m);
  }

  /** The number of valid steps over the whole batch. */
  public int totalValid() {
    return Arrays.stream(lengths).sum();
  }

  /**
   * Row indices that reverse each sequence within its own length, for a [T×B×…] tensor viewed as
   * [T·B×…]: row {@code t·B + b} maps to {@code (len_b − 1 − t)·B + b} for valid steps and to
   * itself for padding. Applying it twice is the identity.
   */
  public int[] reversalRows(int steps) {
    int batch = lengths.length;
    int[] rows = new int[steps * batch];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        int src = t < lengths[b] ? lengths[b] - 1 - t : t;
        rows[t * batch + b] = src * batch + b;
      }
    }
    return rows;
  }

  @Override
  public String toString() {
    return "Lengths" + Arrays.toString(lengths);
  }
}
