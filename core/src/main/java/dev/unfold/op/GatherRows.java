package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Embedding lookup: inputs {@code (table [V×D…], indices [I…])} give {@code y [I…×D…]} with
 * {@code y[i] = table[indices[i]]}. VJP: dy's rows are added into a zero table at their indices
 * (repeated indices add up); the indices get no gradient.
 */
public final class GatherRows implements Op {
  @Override public String name() { return "gather_rows"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 2);
    Shape table = in.get(0);
    if (table.rank() < 1) {
      throw ShapeException.of("%s: the table must have rank ≥ 1, got %s", name(), table);
    }
    return in.get(1).append(table.without(0).dims());
  }

  @Override public Applied apply(Tensor... in) {
    Tensor table = in[0];
    int[] rows = in[1].toIntArray(name() + " indices");
    Tensor y = table.gatherRows(rows, in[1].shape());
    return new Applied(y, dy -> new Tensor[] {dy.scatterAddRows(rows, table.shape()), null});
  }
}
