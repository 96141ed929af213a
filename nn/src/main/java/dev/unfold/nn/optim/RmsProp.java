package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * RMSProp (Tieleman and Hinton 2012), PyTorch's form:
 * {@code s ← α·s + (1 − α)·g²;  p ← p − lr·g / (√s + ε)}.
 */
public final class RmsProp implements UpdateRule {
  private final double alpha;
  private final double eps;

  /** α 0.99, ε 1e-8 (PyTorch's defaults). */
  public RmsProp() {
    this(0.99, 1e-8);
  }

  public RmsProp(double alpha, double eps) {
    Preconditions.checkArgument(alpha >= 0 && alpha < 1 && eps > 0, "rmsprop: alpha %s, eps %s", alpha, eps);
    this.alpha = alpha;
    this.eps = eps;
  }

  @Override
  public List<String> slots() {
    return List.of("square_avg");
  }

  @Override
  public Tensor update(Tensor value, Tensor grad, Slots slots, long step, double lr) {
    Tensor s = slots.get("square_avg").scale(alpha).add(grad.mul(grad).scale(1 - alpha));
    slots.put("square_avg", s);
    return value.sub(grad.zip(s, (g, si) -> g / (Math.sqrt(si) + eps)).scale(lr));
  }

  @Override
  public String describe(double lr) {
    return String.format(Locale.ROOT, "RmsProp(lr=%s, alpha=%s, eps=%s)", lr, alpha, eps);
  }
}
