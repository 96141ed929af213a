package dev.unfold.op;

import dev.unfold.tensor.RecurrentUpdates;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * The element-wise update of an LSTM step, fused, gates in PyTorch's order i, f, g, o: for
 * {@code xPre} = x·W + b [B×4H], {@code hPre} = h·U (+ b_h) [B×4H] and cell state {@code c} [B×H],
 * <pre>
 * pre = xPre + hPre
 * i = σ(pre_i)   f = σ(pre_f)   g = tanh(pre_g)   o = σ(pre_o)
 * c' = f⊙c + i⊙g    h' = o⊙tanh(c')    output h' ‖ c' [B×2H]
 * </pre>
 * VJP from {@code d = [dh' ‖ dc']}: {@code dc'ₜ = dc' + dh'⊙o⊙(1 − tanh²c')}, then
 * {@code dxPre = dhPre = [dc'ₜ⊙g⊙i(1−i), dc'ₜ⊙c⊙f(1−f), dc'ₜ⊙i⊙(1−g²), dh'⊙tanh c'⊙o(1−o)]},
 * {@code dc = dc'ₜ⊙f}. Never modifies its inputs.
 *
 * <p>A primitive for speed: the composite is 13 nodes per step, each allocating a [B×H] tensor
 * forward and more backward; this op is one pass each way over the activations it saves
 * (σ/tanh of the gates and tanh c'). It takes the two halves of the pre-activations separately,
 * as {@link GruUpdate} does, so a step has no [B×4H] sum node: the sum is formed in the pass,
 * and both halves get the same gradient tensor. Peephole LSTMs need c' between the gates and
 * stay unfused.
 */
public final class LstmUpdate implements Op {
  @Override public String name() { return "lstm_update"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 3);
    int hid = RecurrentUpdates.checkLstm(name(), in.get(0), in.get(1), in.get(2));
    return Shape.of(in.get(2).dim(0), 2 * hid);
  }

  @Override public Applied apply(Tensor... in) {
    Tensor xPre = in[0];
    Tensor hPre = in[1];
    Tensor c = in[2];
    RecurrentUpdates.Lstm forward = RecurrentUpdates.lstm(xPre, hPre, c);
    return new Applied(forward.out(), dOut -> RecurrentUpdates.lstmBackward(dOut, forward, xPre, hPre, c));
  }
}
