package dev.unfold.op;

import dev.unfold.tensor.RecurrentUpdates;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * The element-wise update of an LSTM step, fused, gates in PyTorch's order i, f, g, o: for
 * pre-activations {@code pre} = x·W + b + h·U [B×4H] and cell state {@code c} [B×H],
 * <pre>
 * i = σ(pre_i)   f = σ(pre_f)   g = tanh(pre_g)   o = σ(pre_o)
 * c' = f⊙c + i⊙g    h' = o⊙tanh(c')    output h' ‖ c' [B×2H]
 * </pre>
 * VJP from {@code d = [dh' ‖ dc']}: {@code dc'ₜ = dc' + dh'⊙o⊙(1 − tanh²c')}, then
 * {@code dpre = [dc'ₜ⊙g⊙i(1−i), dc'ₜ⊙c⊙f(1−f), dc'ₜ⊙i⊙(1−g²), dh'⊙tanh c'⊙o(1−o)]},
 * {@code dc = dc'ₜ⊙f}. Never modifies its inputs.
 *
 * <p>A primitive for speed: the composite is 13 nodes per step, each allocating a [B×H] tensor
 * forward and more backward; this op is one pass each way over the activations it saves
 * (σ/tanh of the gates and tanh c'). Peephole LSTMs need c' between the gates and stay unfused.
 */
public final class LstmUpdate implements Op {
  @Override public String name() { return "lstm_update"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 2);
    int hid = RecurrentUpdates.checkLstm(name(), in.get(0), in.get(1));
    return Shape.of(in.get(1).dim(0), 2 * hid);
  }

  @Override public Applied apply(Tensor... in) {
    Tensor c = in[1];
    RecurrentUpdates.Lstm forward = RecurrentUpdates.lstm(in[0], c);
    return new Applied(forward.out(), dOut -> RecurrentUpdates.lstmBackward(dOut, forward, c));
  }
}
