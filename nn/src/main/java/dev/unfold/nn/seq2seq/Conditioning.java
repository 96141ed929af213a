package dev.unfold.nn.seq2seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * How a context vector c (an encoder's final state, or a fixed input such as an image's
 * features) conditions a decoder (Cho et al. 2014; Goodfellow et al. §10.4):
 * <ul>
 *   <li>{@link Mode#INITIAL_STATE}: the decoder starts from {@code h_0 = tanh(c·W + b)} (other
 *       state parts, such as an LSTM's cell, start at zero);
 *   <li>{@link Mode#EVERY_STEP}: c is concatenated to the decoder's input at every step;
 *   <li>{@link Mode#BOTH}.
 * </ul>
 * Parameters {@code bridge/W}, {@code bridge/b} when the initial state is used.
 */
public final class Conditioning {
  /** Where the context enters. */
  public enum Mode { INITIAL_STATE, EVERY_STEP, BOTH }

  private final Mode mode;
  private final int contextSize;
  private final Linear bridge;

  /**
   * @param decoderHidden the decoder's hidden size (the bridge's output)
   */
  public Conditioning(Params p, Mode mode, int contextSize, int decoderHidden) {
    this.mode = mode;
    this.contextSize = contextSize;
    this.bridge = mode == Mode.EVERY_STEP ? null : new Linear(p.child("bridge"), contextSize, decoderHidden);
  }

  public Mode mode() {
    return mode;
  }

  /** The decoder input width for a fed-back value of width {@code previousSize}. */
  public int decoderInputSize(int previousSize) {
    return mode == Mode.INITIAL_STATE ? previousSize : previousSize + contextSize;
  }

  /** The decoder's initial state: from the context through the bridge, or zeros. */
  public State initialState(Graph g, Node context, RecurrentCell decoder) {
    check(context);
    int batch = context.shape().dim(0);
    List<Node> parts = new ArrayList<>();
    List<Integer> sizes = decoder.stateSizes();
    for (int i = 0; i < sizes.size(); i++) {
      if (i == 0 && bridge != null) {
        parts.add(bridge.apply(g, context).tanh().named("initial_state"));
      } else {
        parts.add(g.constant("initial_state", Tensors.zeros(batch, sizes.get(i))));
      }
    }
    return State.of(parts);
  }

  /** The decoder's input at a step: the fed-back value, with the context appended when used at every step. */
  public Node input(Graph g, Node previous, Node context) {
    return mode == Mode.INITIAL_STATE ? previous : g.concat(1, previous, context);
  }

  private void check(Node context) {
    if (context.shape().rank() != 2 || context.shape().dim(1) != contextSize) {
      throw ShapeException.of("conditioning: the context must be [B×%d], got %s", contextSize, context.shape());
    }
  }
}
