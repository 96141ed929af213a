package dev.unfold.nn.cell;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The state a recurrent cell carries from one step to the next: one or more nodes, each
 * {@code [B×size]}. Part 0 is the hidden state {@code h}; an LSTM adds its cell state {@code c}
 * as part 1. Immutable.
 */
public final class State {
  private final List<Node> parts;

  private State(List<Node> parts) {
    Preconditions.checkArgument(!parts.isEmpty(), "a state has at least one part");
    this.parts = List.copyOf(parts);
  }

  public static State of(Node... parts) {
    return new State(List.of(parts));
  }

  public static State of(List<Node> parts) {
    return new State(parts);
  }

  /** Zeros for every part of {@code cell}'s state, as constants of {@code g}, for a batch of {@code batch}. */
  public static State zeros(Graph g, RecurrentCell cell, int batch) {
    List<Node> parts = new ArrayList<>();
    for (int size : cell.stateSizes()) {
      parts.add(g.constant("initial_state", Tensors.zeros(batch, size)));
    }
    return new State(parts);
  }

  /** Constant nodes of {@code g} holding the given values: how a state crosses into a new graph. */
  public static State constants(Graph g, List<Tensor> values) {
    List<Node> parts = new ArrayList<>();
    for (Tensor v : values) {
      parts.add(g.constant("carried_state", v));
    }
    return new State(parts);
  }

  /** The hidden state, part 0. */
  public Node h() {
    return parts.get(0);
  }

  public Node part(int i) {
    return parts.get(i);
  }

  public int size() {
    return parts.size();
  }

  public List<Node> parts() {
    return parts;
  }

  /** The values of every part. */
  public List<Tensor> values() {
    return parts.stream().map(Node::value).toList();
  }

  /** Every part transformed by {@code f}. */
  public State map(UnaryOperator<Node> f) {
    return new State(parts.stream().map(f).toList());
  }

  /** The same values with no gradient flowing back into the steps that made them. */
  public State detach() {
    return map(Node::detach);
  }

  @Override
  public String toString() {
    return "State" + parts;
  }
}
