package dev.unfold.nn.seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import java.util.List;

/** One cell run forward over the sequence. */
public final class Unidirectional implements SequenceLayer {
  private final RecurrentCell cell;

  public Unidirectional(RecurrentCell cell) {
    this.cell = cell;
  }

  public RecurrentCell cell() {
    return cell;
  }

  @Override public int inputSize() { return cell.inputSize(); }
  @Override public int outputSize() { return cell.hiddenSize(); }
  @Override public int stateCount() { return 1; }

  @Override
  public Output run(Graph g, Node sequence, Lengths lengths, List<State> initial) {
    State start = initial == null ? State.zeros(g, cell, sequence.shape().dim(1)) : only(initial);
    Unrolled u = Unroller.unroll(g, cell, sequence, start, lengths);
    return new Output(u.outputs(), List.of(u.last()));
  }

  private static State only(List<State> initial) {
    if (initial.size() != 1) {
      throw new IllegalArgumentException("a unidirectional layer takes 1 initial state, got " + initial.size());
    }
    return initial.get(0);
  }
}
