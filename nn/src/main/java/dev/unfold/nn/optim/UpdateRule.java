package dev.unfold.nn.optim;

import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * How one parameter moves given its gradient: SGD, Adam, RMSProp, Adagrad. An {@link Optimizer}
 * applies a rule to every parameter and keeps, per parameter, the buffers the rule names in
 * {@link #slots()} (Adam's moments, a momentum velocity).
 */
public interface UpdateRule {
  /** Names of the per-parameter buffers this rule keeps, each shaped like its parameter. */
  List<String> slots();

  /**
   * The parameter's new value.
   *
   * @param slots this parameter's buffers (zeros before its first update), to read and replace
   * @param step the number of this update, 1 for the first
   */
  Tensor update(Tensor value, Tensor grad, Slots slots, long step, double lr);

  /** The rule and its hyperparameters, for example {@code Adam(lr=0.01, beta1=0.9, …)}. */
  String describe(double lr);

  /** One parameter's buffers. */
  interface Slots {
    Tensor get(String slot);

    void put(String slot, Tensor value);
  }
}
