package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Adagrad (Duchi, Hazan and Singer 2011): {@code s ← s + g²;  p ← p − lr·g / (√s + ε)}. */
public final class Adagrad implements Optimizer {
  private final SlotState state;
  private final double eps;
  private double lr;
  private long steps;

  /** ε 1e-10 (PyTorch's default). */
  public Adagrad(List<Parameter> params, double lr) {
    this(params, lr, 1e-10);
  }

  public Adagrad(List<Parameter> params, double lr, double eps) {
    Preconditions.checkArgument(lr >= 0 && eps > 0, "adagrad: lr %s, eps %s", lr, eps);
    this.state = new SlotState(params, List.of("sum"));
    this.lr = lr;
    this.eps = eps;
  }

  @Override
  public void step() {
    for (Parameter p : state.parameters()) {
      Tensor g = p.grad();
      Tensor s = state.get(p, "sum").add(g.mul(g));
      state.put(p, "sum", s);
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
    return String.format(Locale.ROOT, "Adagrad(lr=%s, eps=%s)", lr, eps);
  }
}
