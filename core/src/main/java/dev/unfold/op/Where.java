package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.List;

/**
 * {@code y = mask ≠ 0 ? a : b} element by element, inputs {@code (mask, a, b)} broadcast
 * together. VJP {@code da = Σ dy} where the mask holds, {@code db = Σ dy} elsewhere; the mask
 * gets no gradient.
 *
 * <p>A primitive rather than {@code m⊙a + (1−m)⊙b}: NOTE: selecting keeps a NaN or Inf in the
 * branch not taken out of the result (0·Inf is NaN), which padded steps of a batch rely on.
 */
public final class Where implements Op {
  private static final Tensor ZERO = Tensors.scalar(0);

  @Override public String name() { return "where"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 3);
    return Shape.broadcast(name(), Shape.broadcast(name(), in.get(0), in.get(1)), in.get(2));
  }

  @Override public Applied apply(Tensor... in) {
    Tensor mask = in[0];
    Shape a = in[1].shape();
    Shape b = in[2].shape();
    Tensor y = Tensor.where(mask, in[1], in[2]);
    return new Applied(y, dy -> new Tensor[] {
      null,
      Tensor.where(mask, dy, ZERO).sumTo(a),
      Tensor.where(mask, ZERO, dy).sumTo(b)
    });
  }
}
