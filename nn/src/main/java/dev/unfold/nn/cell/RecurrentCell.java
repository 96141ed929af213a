package dev.unfold.nn.cell;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import java.util.List;
import java.util.Optional;

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

  /**
   * The part of the step that depends on the input alone, when the cell can compute it for a
   * whole sequence at once (empty by default). An unroller given the whole sequence then computes
   * {@code x·W + b} for every step in one product instead of one small product per step, and
   * feeds each step its row of the result. {@link #step} must equal
   * {@code projection.step(g, projection.apply(g, x), prev)}.
   */
  default Optional<InputProjection> inputProjection() {
    return Optional.empty();
  }

  /** A cell's input-only part {@code x ↦ x·W + b} and the rest of its step; see {@link #inputProjection()}. */
  interface InputProjection {
    /** Projects inputs [… × inputSize], any number of leading axes (one step [B×in] or a sequence [T×B×in]). */
    Node apply(Graph g, Node inputs);

    /** The width of a projected input row. */
    int width();

    /** One step from this step's projected input [B×width]. */
    State step(Graph g, Node projected, State prev);
  }

  /** The width of the hidden state (part 0). */
  default int hiddenSize() {
    return stateSizes().get(0);
  }

  /** A short name for errors and dumps. */
  default String name() {
    return getClass().getSimpleName();
  }
}
