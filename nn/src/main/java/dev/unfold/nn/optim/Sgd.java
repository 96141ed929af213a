package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum (Polyak 1964), Nesterov momentum
 * (Sutskever et al. 2013) and L2 weight decay, with PyTorch's conventions:
 * <pre>
 * g ← ∇ + λ·p
 * v ← μ·v + g                    (with momentum)
 * p ← p − lr·(g + μ·v)           Nesterov
 * p ← p − lr·v                   classical momentum;  p ← p − lr·g without
 * </pre>
 */
public final class Sgd implements Optimizer {
  private final SlotState state;
  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;
  private double lr;
  private long steps;

  /** Plain SGD. */
  public Sgd(List<Parameter> params, double lr) {
    this(params, lr, 0, false, 0);
  }

  public Sgd(List<Parameter> params, double lr, double momentum, boolean nesterov, double weightDecay) {
    Preconditions.checkArgument(lr >= 0 && momentum >= 0 && momentum < 1 && weightDecay >= 0,
        "sgd: lr %s, momentum %s, weight decay %s", lr, momentum, weightDecay);
    Preconditions.checkArgument(!nesterov || momentum > 0, "sgd: Nesterov needs momentum > 0");
    this.state = new SlotState(params, List.of("velocity"));
    this.lr = lr;
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  @Override
  public void step() {
    for (Parameter p : state.parameters()) {
      Tensor g = p.grad();
      if (weightDecay != 0) {
        g = g.add(p.value().scale(weightDecay));
      }
      Tensor update = g;
      if (momentum != 0) {
        Tensor v = state.get(p, "velocity").scale(momentum).add(g);
        state.put(p, "velocity", v);
        update = nesterov ? g.add(v.scale(momentum)) : v;
      }
      p.set(p.value().sub(update.scale(lr)));
    }
    steps++;
  }

  @Override public List<Parameter> parameters() { return state.parameters(); }
  @Override public long steps() { return steps; }
  @Override public double learningRate() { return lr; }
  @Override public void setLearningRate(double lr) { this.lr = lr; }
  @Override public Map<String, Tensor> state() { return state.export(); }

  @Override
  public void loadState(Map<String, Tensor> saved, long steps) {
    state.restore(saved);
    this.steps = steps;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Sgd(lr=%s, momentum=%s, nesterov=%s, weightDecay=%s)", lr, momentum, nesterov,
        weightDecay);
  }
}
