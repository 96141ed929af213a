package dev.unfold.nn.optim;

import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients.
 *
 * <p>Order of use, each training step: {@code graph.backward(loss)}; optionally clip
 * ({@link GradClip}); {@link #step()}; {@link #zeroGrad()}. The learning rate can be changed
 * between steps (a {@link LearningRateSchedule} does). {@code toString()} prints the
 * hyperparameters. Not thread-safe.
 */
public interface Optimizer {
  /** Applies one update to every parameter and counts the step. */
  void step();

  /** Clears every parameter's gradient. */
  default void zeroGrad() {
    parameters().forEach(Parameter::zeroGrad);
  }

  /** The parameters this optimizer updates, in a fixed order. */
  List<Parameter> parameters();

  /** Updates applied so far. */
  long steps();

  double learningRate();

  void setLearningRate(double lr);

  /**
   * The optimizer's per-parameter state (moments, velocities) keyed {@code kind/parameterName},
   * for checkpoints. Parameters not yet updated have no entry.
   */
  Map<String, Tensor> state();

  /**
   * Restores state saved by {@link #state()} and the step count.
   *
   * @throws IllegalArgumentException naming the key when a name or shape does not match; the
   *     optimizer is unchanged then
   */
  void loadState(Map<String, Tensor> state, long steps);
}
