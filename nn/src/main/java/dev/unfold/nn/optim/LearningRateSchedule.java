package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;

/**
 * The learning rate as a pure function of the step (0 for the first update), so that a resumed
 * run needs only the step count to continue the schedule exactly.
 */
@FunctionalInterface
public interface LearningRateSchedule {
  /** The learning rate for update number {@code step} (0-based). */
  double rate(long step);

  /** Always {@code lr}. */
  static LearningRateSchedule constant(double lr) {
    return step -> lr;
  }

  /** {@code lr·γ^⌊step / every⌋}: multiply by γ every {@code every} steps. */
  static LearningRateSchedule step(double lr, long every, double gamma) {
    Preconditions.checkArgument(every > 0, "step schedule: every must be positive, got %s", every);
    return step -> lr * Math.pow(gamma, Math.floorDiv(step, every));
  }

  /** {@code lr·γ^step}. */
  static LearningRateSchedule exponential(double lr, double gamma) {
    return step -> lr * Math.pow(gamma, step);
  }

  /**
   * Cosine annealing (Loshchilov and Hutter 2017) from {@code lr} to {@code min} over
   * {@code total} steps, then {@code min}.
   */
  static LearningRateSchedule cosine(double lr, double min, long total) {
    Preconditions.checkArgument(total > 0, "cosine schedule: total must be positive, got %s", total);
    return step -> step >= total ? min : min + (lr - min) * 0.5 * (1 + Math.cos(Math.PI * step / total));
  }

  /**
   * Linear warm-up from {@code lr/warmup} to this schedule's rate over the first {@code warmup}
   * steps, then this schedule shifted to start after the warm-up.
   */
  default LearningRateSchedule withWarmup(long warmup) {
    Preconditions.checkArgument(warmup >= 0, "warm-up must be ≥ 0, got %s", warmup);
    LearningRateSchedule after = this;
    return step -> step < warmup ? after.rate(0) * (step + 1) / warmup : after.rate(step - warmup);
  }
}
