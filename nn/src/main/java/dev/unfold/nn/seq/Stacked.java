package dev.unfold.nn.seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Scope;
import dev.unfold.nn.cell.State;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Deep recurrent layers: layer l at time t reads layer l−1's output at time t. Optional dropout
 * between layers (not after the last), in training mode only, as PyTorch's {@code dropout}
 * argument. Scopes {@code l0}, {@code l1}, …; final states are listed layer by layer (and
 * direction by direction within a layer), PyTorch's {@code h_n} order.
 */
public final class Stacked implements SequenceLayer {
  private final List<SequenceLayer> layers;
  private final double dropout;
  private final RandomGenerator rng;

  public Stacked(List<SequenceLayer> layers) {
    this(layers, 0, null);
  }

  /** With inverted dropout of probability {@code dropout} between layers, drawn from {@code rng}. */
  public Stacked(List<SequenceLayer> layers, double dropout, RandomGenerator rng) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("stacked: needs at least one layer");
    }
    for (int l = 1; l < layers.size(); l++) {
      if (layers.get(l).inputSize() != layers.get(l - 1).outputSize()) {
        throw new IllegalArgumentException("stacked: layer " + l + " takes input " + layers.get(l).inputSize()
            + " but layer " + (l - 1) + " gives " + layers.get(l - 1).outputSize());
      }
    }
    if (dropout > 0 && rng == null) {
      throw new IllegalArgumentException("stacked: dropout needs a random generator");
    }
    this.layers = List.copyOf(layers);
    this.dropout = dropout;
    this.rng = rng;
  }

  public List<SequenceLayer> layers() {
    return layers;
  }

  @Override public int inputSize() { return layers.get(0).inputSize(); }
  @Override public int outputSize() { return layers.get(layers.size() - 1).outputSize(); }
  @Override public int stateCount() { return layers.stream().mapToInt(SequenceLayer::stateCount).sum(); }

  @Override
  public Output run(Graph g, Node sequence, Lengths lengths, List<State> initial) {
    if (initial != null && initial.size() != stateCount()) {
      throw new IllegalArgumentException("stacked: takes " + stateCount() + " initial states, got " + initial.size());
    }
    Node x = sequence;
    List<State> finals = new ArrayList<>();
    int offset = 0;
    for (int l = 0; l < layers.size(); l++) {
      SequenceLayer layer = layers.get(l);
      List<State> init = initial == null ? null : initial.subList(offset, offset + layer.stateCount());
      offset += layer.stateCount();
      try (Scope s = g.scope("l" + l)) {
        if (l > 0 && dropout > 0) {
          x = x.dropout(dropout, rng);
        }
        Output out = layer.run(g, x, lengths, init);
        x = out.outputs();
        finals.addAll(out.finalStates());
      }
    }
    return new Output(x, finals);
  }
}
