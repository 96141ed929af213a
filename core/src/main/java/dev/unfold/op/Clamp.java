package dev.unfold.op;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Tensor;

/** {@code y = min(max(x, lo), hi)}; VJP {@code dx = dy} where lo ≤ x ≤ hi, else 0 (as PyTorch's clamp). */
public final class Clamp implements UnaryOp {
  private final double lo;
  private final double hi;

  public Clamp(double lo, double hi) {
    Preconditions.checkArgument(lo <= hi, "clamp: lower bound %s exceeds upper bound %s", lo, hi);
    this.lo = lo;
    this.hi = hi;
  }

  @Override public String name() { return "clamp"; }
  @Override public Tensor forward(Tensor x) { return x.map(v -> Math.min(Math.max(v, lo), hi)); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) {
    return dy.zip(x, (g, v) -> v >= lo && v <= hi ? g : 0.0);
  }

  @Override public String toString() { return "clamp(" + lo + ", " + hi + ")"; }
}
