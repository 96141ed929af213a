package dev.unfold.nn.decode;

import java.util.Arrays;

/**
 * One generated sequence: its tokens (without the start token, and without an end token),
 * its log-probability under the model, and what ended it.
 */
public record Generated(int[] tokens, double logProbability, Reason reason) {
  /** What ended a sequence. */
  public enum Reason { END_TOKEN, STOP_OUTPUT, PREDICTED_LENGTH, MAX_LENGTH }

  public Generated {
    tokens = tokens.clone();
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public String toString() {
    return "Generated" + Arrays.toString(tokens) + " log p " + logProbability + " (" + reason + ")";
  }
}
