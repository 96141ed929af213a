package dev.unfold.nn.cell;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.layer.Activation;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * Output-to-hidden recurrence (Goodfellow, Bengio and Courville, Deep Learning §10.2, the second
 * RNN design): the only recurrent connection goes from the previous output to the hidden layer.
 * <pre>
 * h_t = tanh(x_t·W + ŷ_{t−1}·U + b)
 * o_t = h_t·V + c
 * ŷ_t = g(o_t)                      state: ŷ_t only
 * </pre>
 * Because the state is the output, teacher forcing can replace ŷ_{t−1} with the true previous
 * target, which decouples the time steps for training. Nodes are named {@code h}, {@code o},
 * {@code y}.
 */
public final class OutputFeedbackCell implements RecurrentCell {
  private final Parameter w;
  private final Parameter u;
  private final Parameter b;
  private final Parameter v;
  private final Parameter c;
  private final Activation output;

  /**
   * @param output g, applied to the output before it is fed back (identity for regression,
   *     sigmoid for binary outputs; for classes feed back a softmax by wrapping, or use identity logits)
   */
  public OutputFeedbackCell(Params p, int in, int hid, int out, Activation output) {
    this.w = p.create("W", Shape.of(in, hid), Init.xavierUniform());
    this.u = p.create("U", Shape.of(out, hid), Init.xavierUniform());
    this.b = p.create("b", Shape.of(hid), Init.zeros());
    this.v = p.create("V", Shape.of(hid, out), Init.xavierUniform());
    this.c = p.create("c", Shape.of(out), Init.zeros());
    this.output = output;
  }

  @Override public int inputSize() { return w.shape().dim(0); }
  @Override public List<Integer> stateSizes() { return List.of(v.shape().dim(1)); }

  /** Width of the hidden layer (not part of the state). */
  public int hiddenLayerSize() {
    return w.shape().dim(1);
  }

  @Override
  public State step(Graph g, Node x, State prev) {
    Node h = x.matmul(g.param(w)).add(prev.h().matmul(g.param(u))).add(g.param(b)).tanh().named("h");
    Node o = h.matmul(g.param(v)).add(g.param(c)).named("o");
    Node y = output == Activation.IDENTITY ? o : output.apply(o).named("y");
    return State.of(y);
  }
}
