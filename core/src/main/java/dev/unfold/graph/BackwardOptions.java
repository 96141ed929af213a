package dev.unfold.graph;

/**
 * Settings of one backward pass.
 *
 * @param retainGrads keep the gradient of every node reached (not only leaf variables), for
 *     inspection with {@link Node#grad()}
 * @param accumulateIntoParameters add gradients into {@link Parameter#grad()}; turn off to
 *     probe sensitivities (for example how a final state depends on earlier ones) without
 *     disturbing training
 */
public record BackwardOptions(boolean retainGrads, boolean accumulateIntoParameters) {
  private static final BackwardOptions DEFAULTS = new BackwardOptions(false, true);

  /** No retained intermediate gradients; parameters accumulate. */
  public static BackwardOptions defaults() {
    return DEFAULTS;
  }

  public BackwardOptions withRetainGrads(boolean retain) {
    return new BackwardOptions(retain, accumulateIntoParameters);
  }

  public BackwardOptions withAccumulateIntoParameters(boolean accumulate) {
    return new BackwardOptions(retainGrads, accumulate);
  }
}
