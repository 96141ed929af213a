package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/** Adagrad (Duchi, Hazan and Singer 2011): {@code s ← s + g²;  p ← p − lr·g / (√s + ε)}. */
public final class Adagrad implements UpdateRule {
  private final double eps;

  /** ε 1e-10 (PyTorch's default). */
  public Adagrad() {
    this(1e-10);
  }

  public Adagrad(double eps) {
    Preconditions.checkArgument(eps > 0, "adagrad: eps %s", eps);
    this.eps = eps;
  }

  @Override
  public List<String> slots() {
    return List.of("sum");
  }

  @Override
  public Tensor update(Tensor value, Tensor grad, Slots slots, long step, double lr) {
    Tensor s = slots.get("sum").add(grad.mul(grad));
    slots.put("sum", s);
    return value.sub(grad.zip(s, (g, si) -> g / (Math.sqrt(si) + eps)).scale(lr));
  }

  @Override
  public String describe(double lr) {
    return String.format(Locale.ROOT, "Adagrad(lr=%s, eps=%s)", lr, eps);
  }
}
