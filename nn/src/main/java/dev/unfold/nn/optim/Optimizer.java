package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients with an {@link UpdateRule}, keeping each parameter's
 * buffers, the learning rate and the step count.
 *
 * <p>Order of use, each training step: {@code graph.backward(loss)}; optionally clip
 * ({@link GradClip}); {@link #step()}; {@link #zeroGrad()}. The learning rate can change
 * between steps (a {@link LearningRateSchedule} does). {@code toString()} prints the rule and
 * its hyperparameters. Not thread-safe.
 */
public final class Optimizer {
  private final SlotState state;
  private final UpdateRule rule;
  private double lr;
  private long steps;

  public Optimizer(List<Parameter> params, UpdateRule rule, double lr) {
    Preconditions.checkArgument(lr >= 0, "learning rate must be ≥ 0, got %s", lr);
    this.state = new SlotState(params, rule.slots());
    this.rule = rule;
    this.lr = lr;
  }

  /** Plain SGD. */
  public static Optimizer sgd(List<Parameter> params, double lr) {
    return new Optimizer(params, new Sgd(), lr);
  }

  /** Adam with β1 0.9, β2 0.999, ε 1e-8. */
  public static Optimizer adam(List<Parameter> params, double lr) {
    return new Optimizer(params, new Adam(), lr);
  }

  /** AdamW: Adam with decoupled weight decay. */
  public static Optimizer adamW(List<Parameter> params, double lr, double weightDecay) {
    return new Optimizer(params, Adam.adamW(weightDecay), lr);
  }

  /** RMSProp with α 0.99, ε 1e-8. */
  public static Optimizer rmsProp(List<Parameter> params, double lr) {
    return new Optimizer(params, new RmsProp(), lr);
  }

  /** Adagrad with ε 1e-10. */
  public static Optimizer adagrad(List<Parameter> params, double lr) {
    return new Optimizer(params, new Adagrad(), lr);
  }

  /** Applies one update to every parameter and counts the step. */
  public void step() {
    steps++;
    for (Parameter p : state.parameters()) {
      p.set(rule.update(p.value(), p.grad(), state.slots(p), steps, lr));
    }
  }

  /** Clears every parameter's gradient. */
  public void zeroGrad() {
    state.parameters().forEach(Parameter::zeroGrad);
  }

  /** The parameters updated, in a fixed order. */
  public List<Parameter> parameters() {
    return state.parameters();
  }

  public UpdateRule rule() {
    return rule;
  }

  /** Updates applied so far. */
  public long steps() {
    return steps;
  }

  public double learningRate() {
    return lr;
  }

  public void setLearningRate(double lr) {
    Preconditions.checkArgument(lr >= 0, "learning rate must be ≥ 0, got %s", lr);
    this.lr = lr;
  }

  /**
   * The per-parameter buffers keyed {@code slot/parameterName}, for checkpoints; parameters not
   * yet updated have no entry.
   */
  public Map<String, Tensor> state() {
    return state.export();
  }

  /**
   * Restores buffers saved by {@link #state()} and the step count.
   *
   * @throws IllegalArgumentException naming the key when a name or shape does not match; the
   *     optimizer is unchanged then
   */
  public void loadState(Map<String, Tensor> saved, long steps) {
    Preconditions.checkArgument(steps >= 0, "step count must be ≥ 0, got %s", steps);
    state.restore(saved);
    this.steps = steps;
  }

  @Override
  public String toString() {
    return rule.describe(lr);
  }
}
