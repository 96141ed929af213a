package dev.unfold.nn.cell;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.layer.Activation;
import dev.unfold.nn.param.Params;
import java.util.List;
import java.util.Optional;

/**
 * The Elman (hidden-to-hidden) RNN, Elman (1990):
 * <pre>
 * h_t = g(x_t·W + h_{t−1}·U + b (+ b_h))     the textbook's a_t = g(W_aa a_{t−1} + W_ax x_t + b_a)
 * </pre>
 * with g = tanh or relu; W is W_ax [in×hid], U is W_aa [hid×hid]. The output head
 * {@code y_t = g2(h_t·W_ya + b_y)} is a {@link dev.unfold.nn.layer.Linear} and an
 * {@link Activation} applied to the states. The optional second bias {@code b_h} matches
 * PyTorch's {@code bias_hh}.
 */
public final class ElmanCell implements RecurrentCell {
  private final GateParams weights;
  private final Activation activation;

  public ElmanCell(Params p, int in, int hid) {
    this(p, in, hid, Activation.TANH, false);
  }

  public ElmanCell(Params p, int in, int hid, Activation activation, boolean hiddenBias) {
    Preconditions.checkArgument(activation == Activation.TANH || activation == Activation.RELU,
        "an Elman cell uses tanh or relu, got %s", activation);
    this.weights = new GateParams(p, List.of("h"), in, hid, GateParams.Layout.FUSED, hiddenBias,
        GateParams.Inits.defaults());
    this.activation = activation;
  }

  public GateParams weights() {
    return weights;
  }

  @Override public int inputSize() { return weights.inputSize(); }
  @Override public List<Integer> stateSizes() { return List.of(weights.hiddenSize()); }

  @Override
  public State step(Graph g, Node x, State prev) {
    return fromProjected(g, weights.inputAll(g, x), prev);
  }

  @Override
  public Optional<InputProjection> inputProjection() {
    return weights.projection(this::fromProjected);
  }

  private State fromProjected(Graph g, Node xPre, State prev) {
    Node pre = weights.hiddenAllPlus(g, prev.h(), xPre);
    return State.of(activation.apply(pre).named("h"));
  }
}
