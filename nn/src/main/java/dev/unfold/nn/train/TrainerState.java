package dev.unfold.nn.train;

/**
 * Where a training run stands, so that a resumed run continues exactly: the update count, the
 * epoch and the next batch within it, and the early-stopping bookkeeping.
 */
public record TrainerState(long step, int epoch, int batchInEpoch, double bestValidationLoss, int epochsWithoutImprovement) {
  public static TrainerState start() {
    return new TrainerState(0, 0, 0, Double.POSITIVE_INFINITY, 0);
  }
}
