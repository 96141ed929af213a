package dev.unfold.op;

import dev.unfold.tensor.RecurrentUpdates;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * The element-wise update of a GRU step in PyTorch's form, fused, gates in the order r, z, n:
 * for {@code xPre} = x·W + b [B×3H], {@code hPre} = h·U + b_h [B×3H] and the state {@code h} [B×H],
 * <pre>
 * r = σ(x_r + h_r)   z = σ(x_z + h_z)   n = tanh(x_n + r⊙h_n)   h' = (1 − z)⊙n + z⊙h   [B×H]
 * </pre>
 * VJP from {@code dh'}: {@code dn = dh'⊙(1−z)⊙(1−n²)}, {@code dz = dh'⊙(h−n)⊙z(1−z)},
 * {@code dr = dn⊙h_n⊙r(1−r)}; {@code dxPre = [dr, dz, dn]}, {@code dhPre = [dr, dz, dn⊙r]},
 * {@code dh = dh'⊙z}. Never modifies its inputs.
 *
 * <p>A primitive for speed: the composite is 11 nodes per step, each allocating a [B×H] tensor
 * forward and more backward; this op is one pass each way over the gate activations it saves.
 * The textbook GRU applies r before the matmul {@code (r⊙h)·U_n}, so its update cannot be one
 * element-wise op; it stays unfused.
 */
public final class GruUpdate implements Op {
  @Override public String name() { return "gru_update"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 3);
    RecurrentUpdates.checkGru(name(), in.get(0), in.get(1), in.get(2));
    return in.get(2);
  }

  @Override public Applied apply(Tensor... in) {
    Tensor xPre = in[0];
    Tensor hPre = in[1];
    Tensor h = in[2];
    RecurrentUpdates.Gru forward = RecurrentUpdates.gru(xPre, hPre, h);
    return new Applied(forward.out(), dOut -> RecurrentUpdates.gruBackward(dOut, forward, xPre, hPre, h));
  }
}
