package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2014), and AdamW's decoupled weight decay (Loshchilov and Hutter 2019):
 * <pre>
 * g ← ∇ (+ λ·p for Adam's L2 decay)
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 * m̂ = m / (1 − β1ᵗ);      v̂ = v / (1 − β2ᵗ)
 * p ← p − lr·λ·p             (AdamW only, before the step)
 * p ← p − lr·m̂ / (√v̂ + ε)
 * </pre>
 */
public final class Adam implements Optimizer {
  private final SlotState state;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;
  private double lr;
  private long steps;

  /** Adam with β1 0.9, β2 0.999, ε 1e-8 and no weight decay. */
  public Adam(List<Parameter> params, double lr) {
    this(params, lr, 0.9, 0.999, 1e-8, 0, false);
  }

  /** AdamW with the default betas and ε. */
  public static Adam adamW(List<Parameter> params, double lr, double weightDecay) {
    return new Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay, true);
  }

  /**
   * @param decoupled true for AdamW (decay applied to the weights), false for Adam's L2 term in the gradient
   */
  public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
      boolean decoupled) {
    Preconditions.checkArgument(lr >= 0 && beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0,
        "adam: lr %s, betas %s %s, eps %s, weight decay %s", lr, beta1, beta2, eps, weightDecay);
    this.state = new SlotState(params, List.of("m", "v"));
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
  }

  @Override
  public void step() {
    steps++;
    double c1 = 1 - Math.pow(beta1, steps);
    double c2 = 1 - Math.pow(beta2, steps);
    for (Parameter p : state.parameters()) {
      Tensor g = p.grad();
      Tensor value = p.value();
      if (weightDecay != 0 && !decoupled) {
        g = g.add(value.scale(weightDecay));
      }
      Tensor m = state.get(p, "m").scale(beta1).add(g.scale(1 - beta1));
      Tensor v = state.get(p, "v").scale(beta2).add(g.mul(g).scale(1 - beta2));
      state.put(p, "m", m);
      state.put(p, "v", v);
      if (weightDecay != 0 && decoupled) {
        value = value.scale(1 - lr * weightDecay);
      }
      Tensor update = m.zip(v, (mi, vi) -> (mi / c1) / (Math.sqrt(vi / c2) + eps));
      p.set(value.sub(update.scale(lr)));
    }
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
    return String.format(Locale.ROOT, "%s(lr=%s, beta1=%s, beta2=%s, eps=%s, weightDecay=%s)",
        decoupled ? "AdamW" : "Adam", lr, beta1, beta2, eps, weightDecay);
  }
}
