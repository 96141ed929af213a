package dev.unfold.op;

import dev.unfold.tensor.MatMulShape;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * {@code z = a·b} for a [n×k], b [k×m], or batches [B×n×k]·[B×k×m]; a rank-2 operand is reused
 * across the other's batch. VJP {@code da = dz·bᵀ}, {@code db = aᵀ·dz}, summed over the batch
 * for a reused operand.
 */
public final class MatMul implements BinaryOp {
  @Override public String name() { return "matmul"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 2);
    return MatMulShape.of(name(), in.get(0), false, in.get(1), false).out();
  }

  @Override public Tensor forward(Tensor a, Tensor b) { return a.matmul(b); }

  @Override public Tensor[] backward(Tensor dz, Tensor z, Tensor a, Tensor b) {
    Tensor db;
    if (a.rank() == 3 && b.rank() == 2) {
      // NOTE: for a batch [B×n×k] against one shared b, db = Σ_p a_pᵀ·dz_p is a single product
      // over B·n rows; as B separate products it would materialise B partial gradients to sum.
      int rows = a.shape().dim(0) * a.shape().dim(1);
      db = a.reshape(Shape.of(rows, a.shape().dim(2))).matmul(dz.reshape(Shape.of(rows, dz.shape().dim(2))), true, false);
    } else {
      db = a.matmul(dz, true, false).sumTo(b.shape());
    }
    return new Tensor[] {dz.matmul(b, false, true).sumTo(a.shape()), db};
  }
}
