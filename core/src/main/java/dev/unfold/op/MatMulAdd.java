package dev.unfold.op;

import dev.unfold.tensor.MatMulShape;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * {@code z = a·b + c} in one node (PyTorch's {@code addmm}): a [n×k] or a batch [B×n×k] against a
 * shared b [k×m], and c broadcast to z (a bias [m], or z's shape). VJP {@code da = dz·bᵀ},
 * {@code db = aᵀ·dz} (over every row of a batch), {@code dc = dz} summed over broadcast axes.
 *
 * <p>A primitive for speed: an affine layer's or an RNN step's {@code matmul} then {@code add}
 * allocate and traverse the product twice; here each element's multiply-add chain starts from c.
 */
public final class MatMulAdd implements Op {
  @Override public String name() { return "matmul_add"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 3);
    Shape a = in.get(0);
    Shape b = in.get(1);
    if (a.rank() < 2 || a.rank() > 3 || b.rank() != 2) {
      throw ShapeException.of("%s: takes [n×k] or [B×n×k] against [k×m], got %s and %s", name(), a, b);
    }
    Shape out = MatMulShape.of(name(), a, false, b, false).out();
    if (!in.get(2).broadcastsTo(out)) {
      throw ShapeException.of("%s: the addend %s does not broadcast to the product's shape %s",
          name(), in.get(2), out);
    }
    return out;
  }

  @Override public Applied apply(Tensor... in) {
    Tensor a = in[0];
    Tensor b = in[1];
    Tensor c = in[2];
    Tensor z = a.matmulAdd(b, c);
    return new Applied(z, new Op.SinkVjp() {
      @Override public Tensor[] pullback(Tensor dz) {
        Tensor[] ab = new MatMul().backward(dz, z, a, b);
        return new Tensor[] {ab[0], ab[1], dz.sumTo(c.shape())};
      }

      @Override public void pullback(Tensor dz, Op.Gradients out) {
        MatMul.sinkGradients(dz, a, b, out);
        if (out.needed(2)) {
          out.add(2, dz.sumTo(c.shape()));
        }
      }
    });
  }
}
