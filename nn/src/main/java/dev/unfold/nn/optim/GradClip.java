package dev.unfold.nn.optim;

import dev.unfold.graph.Parameter;
import java.util.Collection;

/**
 * Gradient clipping, applied between backward and the optimizer step, to any group of
 * parameters (all of them, or for example only the recurrent matrices). Both methods return
 * what they measured before clipping, so exploding gradients are seen, not hidden.
 */
public final class GradClip {
  private GradClip() {}

  /** The L2 norm of all the gradients together. */
  public static double globalNorm(Collection<Parameter> params) {
    double sq = 0;
    for (Parameter p : params) {
      var g = p.grad();
      sq += g.mul(g).sum().item();
    }
    return Math.sqrt(sq);
  }

  /**
   * Rescales all gradients by {@code max / norm} when their global norm exceeds {@code max}
   * (Pascanu et al. 2013), keeping their direction.
   *
   * @return the global norm before clipping (NaN or infinite when a gradient is)
   */
  public static double byGlobalNorm(Collection<Parameter> params, double max) {
    if (!(max > 0)) {
      throw new IllegalArgumentException("clip: maximum norm must be positive, got " + max);
    }
    double norm = globalNorm(params);
    if (norm > max) {
      double scale = max / norm;
      for (Parameter p : params) {
        var g = p.grad().scale(scale);
        p.zeroGrad();
        p.accumulateGrad(g);
      }
    }
    return norm;
  }

  /**
   * Clamps every gradient element into {@code [−limit, limit]}.
   *
   * @return the largest absolute gradient element before clipping
   */
  public static double byValue(Collection<Parameter> params, double limit) {
    if (!(limit > 0)) {
      throw new IllegalArgumentException("clip: limit must be positive, got " + limit);
    }
    double max = 0;
    for (Parameter p : params) {
      var g = p.grad();
      for (int i = 0; i < g.size(); i++) {
        max = Math.max(max, Math.abs(g.getFlat(i)));
      }
      var clipped = g.map(v -> Math.max(-limit, Math.min(limit, v)));
      p.zeroGrad();
      p.accumulateGrad(clipped);
    }
    return max;
  }
}
