package dev.unfold.nn.cell;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import java.util.List;

/**
 * One time step of a recurrent network: {@code (x_t, state_{t−1}) → state_t}, written with
 * graph ops so that backprop-through-time is the generic backward pass. Built-in and user cells
 * implement this same interface; unrolling, masking of padded steps, reversal, stacking and
 * time-step scopes are done around the cell, which never sees them.
 *
 * <p>A cell names the nodes a reader looks for in dumps ({@code h}, {@code c}, gates).
 */
public interface RecurrentCell {
  /** Features per input step. */
  int inputSize();

  /** The width of each part of the state, part 0 being the hidden state. */
  List<Integer> stateSizes();

  /** Computes one step for x [B×inputSize]; never modifies its inputs. */
  State step(Graph g, Node x, State prev);

  /** The width of the hidden state (part 0). */
  default int hiddenSize() {
    return stateSizes().get(0);
  }

  /** A short name for errors and dumps. */
  default String name() {
    return getClass().getSimpleName();
  }
}
