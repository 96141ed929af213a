package dev.unfold.nn.seq;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Truncated backprop-through-time (Williams and Peng 1990): a long sequence is processed in
 * chunks of k steps; the state is carried from one chunk to the next, the gradient is not.
 *
 * <p>Carry the state with {@code State.detach()} inside one graph, or with
 * {@code State.constants(nextGraph, state.values())} into a fresh graph per chunk; either way
 * the gradient stops at the boundary while the values go on.
 */
public final class TruncatedBptt {
  private TruncatedBptt() {}

  /** Steps {@code [start, end)} of one chunk. */
  public record Chunk(int start, int end) {
    public int length() {
      return end - start;
    }
  }

  /**
   * Consecutive chunks of {@code k} steps covering {@code length} steps; the last may be shorter.
   *
   * @throws IllegalArgumentException when {@code k < 1} or {@code k} exceeds the sequence length
   *     (that would be full BPTT: unroll without truncation instead)
   */
  public static List<Chunk> chunks(int length, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("truncated BPTT: chunk length must be at least 1, got " + k);
    }
    if (k > length) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "truncated BPTT: chunk length %d exceeds the sequence length %d; unroll the whole sequence instead", k, length));
    }
    List<Chunk> out = new ArrayList<>();
    for (int s = 0; s < length; s += k) {
      out.add(new Chunk(s, Math.min(length, s + k)));
    }
    return out;
  }
}
