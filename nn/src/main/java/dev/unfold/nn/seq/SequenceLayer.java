package dev.unfold.nn.seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.State;
import java.util.List;

/**
 * A recurrent layer over a whole sequence, time-major as PyTorch's default: [T×B×in] in,
 * [T×B×out] out (zeros at padded steps), plus the final state of every cell it runs.
 */
public interface SequenceLayer {
  int inputSize();

  int outputSize();

  /** The number of cells whose states {@link #run} takes and returns (layers × directions). */
  int stateCount();

  /**
   * Runs the layer.
   *
   * @param lengths per-sequence lengths, or null when every sequence is full length
   * @param initial one state per cell in {@link Output#finalStates()} order, or null for zeros
   */
  Output run(Graph g, Node sequence, Lengths lengths, List<State> initial);

  /** Outputs [T×B×out] and each cell's final state (each sequence's last valid one). */
  record Output(Node outputs, List<State> finalStates) {}
}
