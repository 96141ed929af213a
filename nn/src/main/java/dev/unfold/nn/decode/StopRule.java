package dev.unfold.nn.decode;

import com.google.common.base.Preconditions;

/**
 * Where a generated sequence ends, the three textbook ways (Goodfellow et al. §10.2.4), plus
 * the decoder's maximum length, which always applies.
 */
public sealed interface StopRule {
  /** An end-of-sequence symbol in the vocabulary: generation stops when it is emitted (it is not kept). */
  record EndToken(int token) implements StopRule {
    public EndToken {
      Preconditions.checkArgument(token >= 0, "end token must be ≥ 0, got %s", token);
    }
  }

  /**
   * An extra Bernoulli output at every step: the step's output has one column more than the
   * vocabulary, the last being the logit of "stop after this token"; generation stops when its
   * probability exceeds one half.
   */
  record StopOutput() implements StopRule {}

  /** A model that predicted each sequence's length first: example b stops after {@code lengths[b]} tokens. */
  record PredictedLengths(int[] lengths) implements StopRule {
    public PredictedLengths {
      for (int l : lengths) {
        Preconditions.checkArgument(l >= 1, "predicted lengths must be ≥ 1, got %s", l);
      }
      lengths = lengths.clone();
    }
  }

  static StopRule endToken(int token) {
    return new EndToken(token);
  }

  static StopRule stopOutput() {
    return new StopOutput();
  }

  static StopRule predictedLengths(int... lengths) {
    return new PredictedLengths(lengths);
  }
}
