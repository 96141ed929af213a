package dev.unfold.nn.seq2seq;

import com.google.common.base.Preconditions;
import java.util.function.LongSupplier;
import java.util.function.LongToDoubleFunction;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Which previous value a decoder reads at each step: the true previous target (teacher forcing)
 * or its own previous prediction (open loop). Decided per step and per example.
 */
@FunctionalInterface
public interface Feedback {
  /** For step {@code t} (≥ 1), one choice per example: true to feed the true previous target. */
  boolean[] useTarget(int t, int batch);

  /** Teacher forcing: always the true previous target. */
  static Feedback always() {
    return (t, batch) -> fill(batch, true);
  }

  /** Open loop (free running): always the model's own previous prediction. */
  static Feedback never() {
    return (t, batch) -> fill(batch, false);
  }

  /** The true target with probability {@code p}, drawn per step and per example from {@code rng}. */
  static Feedback withProbability(double p, RandomGenerator rng) {
    Preconditions.checkArgument(p >= 0 && p <= 1, "feedback probability must be in [0, 1], got %s", p);
    return scheduled(step -> p, () -> 0, rng);
  }

  /**
   * Scheduled sampling (Bengio et al. 2015): the true target with a probability that follows a
   * schedule over training, {@code teacherProbability(trainingStep)}, drawn per step and per
   * example. See {@link #inverseSigmoidDecay} and {@link #linearDecay}.
   */
  static Feedback scheduled(LongToDoubleFunction teacherProbability, LongSupplier trainingStep, RandomGenerator rng) {
    return (t, batch) -> {
      double p = teacherProbability.applyAsDouble(trainingStep.getAsLong());
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalStateException("scheduled sampling: probability " + p + " at training step "
            + trainingStep.getAsLong() + " is outside [0, 1]");
      }
      boolean[] out = new boolean[batch];
      for (int b = 0; b < batch; b++) {
        out[b] = rng.nextDouble() < p;
      }
      return out;
    };
  }

  /** Bengio et al. (2015)'s inverse sigmoid decay {@code k / (k + exp(step / k))}, k ≥ 1. */
  static LongToDoubleFunction inverseSigmoidDecay(double k) {
    Preconditions.checkArgument(k >= 1, "inverse sigmoid decay needs k ≥ 1, got %s", k);
    return step -> k / (k + Math.exp(step / k));
  }

  /** Linear decay from 1 to {@code floor} over {@code steps} training steps. */
  static LongToDoubleFunction linearDecay(long steps, double floor) {
    return step -> Math.max(floor, 1 - (1 - floor) * step / (double) steps);
  }

  private static boolean[] fill(int n, boolean v) {
    boolean[] out = new boolean[n];
    java.util.Arrays.fill(out, v);
    return out;
  }
}
