package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;

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
public final class Adam implements UpdateRule {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;

  /** β1 0.9, β2 0.999, ε 1e-8, no weight decay. */
  public Adam() {
    this(0.9, 0.999, 1e-8, 0, false);
  }

  /** AdamW with the default betas and ε. */
  public static Adam adamW(double weightDecay) {
    return new Adam(0.9, 0.999, 1e-8, weightDecay, true);
  }

  /**
   * @param decoupled true for AdamW (decay applied to the weights), false for Adam's L2 term in the gradient
   */
  public Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
    Preconditions.checkArgument(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0,
        "adam: betas %s %s, eps %s, weight decay %s", beta1, beta2, eps, weightDecay);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
  }

  @Override
  public List<String> slots() {
    return List.of("m", "v");
  }

  @Override
  public Tensor update(Tensor value, Tensor grad, Slots slots, long step, double lr) {
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    Tensor g = weightDecay != 0 && !decoupled ? grad.add(value.scale(weightDecay)) : grad;
    Tensor m = slots.get("m").scale(beta1).add(g.scale(1 - beta1));
    Tensor v = slots.get("v").scale(beta2).add(g.mul(g).scale(1 - beta2));
    slots.put("m", m);
    slots.put("v", v);
    Tensor decayed = weightDecay != 0 && decoupled ? value.scale(1 - lr * weightDecay) : value;
    return decayed.sub(m.zip(v, (mi, vi) -> (mi / c1) / (Math.sqrt(vi / c2) + eps)).scale(lr));
  }

  @Override
  public String describe(double lr) {
    return String.format(Locale.ROOT, "%s(lr=%s, beta1=%s, beta2=%s, eps=%s, weightDecay=%s)",
        decoupled ? "AdamW" : "Adam", lr, beta1, beta2, eps, weightDecay);
  }
}
