package dev.unfold.op;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: each element is kept with probability {@code 1 − p} and scaled by
 * {@code 1/(1 − p)}, else zeroed. VJP {@code dx = dy ⊙ mask / (1 − p)}.
 *
 * <p>The mask is a pure function of the op's seed and the input's size, so the same op instance
 * gives the same mask every time (which gradient checks need); draw a fresh seed per use from
 * an explicit generator, as {@code Node.dropout(p, rng)} does. In evaluation mode the graph
 * does not apply this op at all: dropout is then the identity.
 */
public final class Dropout implements UnaryOp {
  private final double p;
  private final long seed;

  public Dropout(double p, long seed) {
    Preconditions.checkArgument(p >= 0 && p < 1, "dropout: probability must be in [0, 1), got %s", p);
    this.p = p;
    this.seed = seed;
  }

  @Override public String name() { return "dropout"; }

  private Tensor scaledMask(Tensor x) {
    SplittableRandom rng = new SplittableRandom(seed);
    double keep = 1.0 / (1.0 - p);
    return x.map(v -> rng.nextDouble() < p ? 0.0 : keep);
  }

  @Override public Applied apply(Tensor... in) {
    Tensor mask = scaledMask(in[0]);
    return new Applied(in[0].mul(mask), dy -> new Tensor[] {dy.mul(mask)});
  }

  @Override public Tensor forward(Tensor x) { return x.mul(scaledMask(x)); }
  @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.mul(scaledMask(x)); }

  @Override public String toString() { return "dropout(p=" + p + ")"; }
}
