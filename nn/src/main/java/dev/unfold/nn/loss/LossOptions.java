package dev.unfold.nn.loss;

import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * Settings shared by the losses: the reduction, an optional mask (1 for a position that counts,
 * 0 for padding; shaped like the targets) and optional class weights (softmax cross-entropy only).
 */
public record LossOptions(Reduction reduction, Optional<Tensor> mask, Optional<Tensor> classWeights) {
  private static final LossOptions MEAN = new LossOptions(Reduction.MEAN, Optional.empty(), Optional.empty());

  /** Mean over every position, no mask, no class weights. */
  public static LossOptions mean() {
    return MEAN;
  }

  /** Sum over every position, no mask, no class weights. */
  public static LossOptions sum() {
    return MEAN.withReduction(Reduction.SUM);
  }

  public LossOptions withReduction(Reduction r) {
    return new LossOptions(r, mask, classWeights);
  }

  public LossOptions withMask(Tensor m) {
    return new LossOptions(reduction, Optional.of(m), classWeights);
  }

  public LossOptions withClassWeights(Tensor w) {
    return new LossOptions(reduction, mask, Optional.of(w));
  }
}
