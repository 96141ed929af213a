package dev.unfold.nn.loss;

import dev.unfold.op.BinaryOp;
import dev.unfold.op.Sigmoid;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Element-wise binary cross-entropy from logits z and targets y ∈ [0, 1]:
 * {@code L = −y·log σ(z) − (1 − y)·log(1 − σ(z))}; VJP {@code dz = dL ⊙ (σ(z) − y)},
 * {@code dy = −dL ⊙ z}.
 *
 * <p>A primitive for stability: NOTE: computed as {@code max(z, 0) − y·z + log1p(e^{−|z|})}, which
 * never takes the log of a sigmoid that rounded to 0 or 1, so |z| of 1e3 stays finite.
 */
public final class SigmoidCrossEntropy implements BinaryOp {
  @Override public String name() { return "sigmoid_cross_entropy"; }

  @Override public Shape outputShape(List<Shape> in) {
    dev.unfold.op.Arity.require(this, in, 2);
    if (!in.get(0).equals(in.get(1))) {
      throw ShapeException.of("%s: logits %s and targets %s must have the same shape", name(), in.get(0), in.get(1));
    }
    return in.get(0);
  }

  @Override public Tensor forward(Tensor z, Tensor y) {
    return z.zip(y, (v, t) -> Math.max(v, 0) - t * v + Math.log1p(Math.exp(-Math.abs(v))));
  }

  @Override public Tensor[] backward(Tensor dl, Tensor l, Tensor z, Tensor y) {
    return new Tensor[] {dl.mul(z.map(Sigmoid::sigmoid).sub(y)), dl.mul(z).neg()};
  }
}
