package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RMSProp (Tieleman and Hinton 2012), PyTorch's form:
 * {@code s ← α·s + (1 − α)·g²;  p ← p − lr·g / (√s + ε)}.
 */
public final class RmsProp implements Optimizer {
  private final SlotState state;
  private final double alpha;
  private final double eps;
  private double lr;
  private long steps;

  /** α 0.99, ε 1e-8 (PyTorch's defaults). */
  public RmsProp(List<Parameter> params, double lr) {
    this(params, lr, 0.99, 1e-8);
  }

  public RmsProp(List<Parameter> params, double lr, double alpha, double eps) {
    Preconditions.checkArgument(lr >= 0 && alpha >= 0 && alpha < 1 && eps > 0, "rmsprop: lr %s, alpha %s, eps %s", lr, alpha, eps);
    this.state = new SlotState(params, List.of("square_avg"));
    this.lr = lr;
    this.alpha = alpha;
    this.eps = eps;
  }

  @Override
  public void step() {
    for (Parameter p : state.parameters()) {
      Tensor g = p.grad();
      Tensor s = state.get(p, "square_avg").scale(alpha).add(g.mul(g).scale(1 - alpha));
      state.put(p, "square_avg", s);
      p.set(p.value().sub(g.zip(s, (gi, si) -> gi / (Math.sqrt(si) + eps)).scale(lr)));
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
    return String.format(Locale.ROOT, "RmsProp(lr=%s, alpha=%s, eps=%s)", lr, alpha, eps);
  }
}
