package dev.unfold.nn.optim;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;

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
public final class Sgd implements UpdateRule {
  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;

  /** Plain SGD. */
  public Sgd() {
    this(0, false, 0);
  }

  public Sgd(double momentum, boolean nesterov, double weightDecay) {
    Preconditions.checkArgument(momentum >= 0 && momentum < 1 && weightDecay >= 0,
        "sgd: momentum %s, weight decay %s", momentum, weightDecay);
    Preconditions.checkArgument(!nesterov || momentum > 0, "sgd: Nesterov needs momentum > 0");
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  @Override
  public List<String> slots() {
    return momentum == 0 ? List.of() : List.of("velocity");
  }

  @Override
  public Tensor update(Tensor value, Tensor grad, Slots slots, long step, double lr) {
    Tensor g = weightDecay == 0 ? grad : grad.add(value.scale(weightDecay));
    Tensor move = g;
    if (momentum != 0) {
      Tensor v = slots.get("velocity").scale(momentum).add(g);
      slots.put("velocity", v);
      move = nesterov ? g.add(v.scale(momentum)) : v;
    }
    return value.sub(move.scale(lr));
  }

  @Override
  public String describe(double lr) {
    return String.format(Locale.ROOT, "Sgd(lr=%s, momentum=%s, nesterov=%s, weightDecay=%s)", lr, momentum, nesterov,
        weightDecay);
  }
}
