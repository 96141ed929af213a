package dev.unfold.nn.seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of unrolling a cell: the state after every step (many-to-many) and the last one
 * (many-to-one). With {@link Lengths}, padded steps carry the state unchanged, so {@link #last()}
 * holds each sequence's last valid state.
 */
public final class Unrolled {
  private final Graph graph;
  private final List<State> states;
  private final List<State> rows;
  private final Lengths lengths;

  /**
   * @param rows each step's state parts viewed as [1×B×size], made inside that step's scope so
   *     that dumps fold them into the cell
   */
  Unrolled(Graph graph, List<State> states, List<State> rows, Lengths lengths) {
    this.graph = graph;
    this.states = List.copyOf(states);
    this.rows = List.copyOf(rows);
    this.lengths = lengths;
  }

  /** The state after step t, for every t. */
  public List<State> states() {
    return states;
  }

  public State state(int t) {
    return states.get(t);
  }

  /** The state after the last step: each sequence's last valid state when lengths were given. */
  public State last() {
    return states.get(states.size() - 1);
  }

  public int steps() {
    return states.size();
  }

  public Optional<Lengths> lengths() {
    return Optional.ofNullable(lengths);
  }

  /**
   * Part {@code part} of every step's state stacked into [T×B×size], with zeros at padded steps
   * (as PyTorch's padded output), so padding never leaks into what reads it.
   */
  public Node stack(int part) {
    List<Node> steps = new ArrayList<>();
    for (State r : rows) {
      steps.add(r.part(part));
    }
    Node stacked = steps.size() == 1 ? steps.get(0) : graph.concat(0, steps);
    if (lengths == null) {
      return stacked;
    }
    return graph.where(graph.constant("valid_steps", lengths.masks(states.size())), stacked,
        graph.constant(dev.unfold.tensor.Tensors.scalar(0)));
  }

  /** The hidden states of all steps, [T×B×hid], zeros at padded steps. */
  public Node outputs() {
    return stack(0);
  }
}
