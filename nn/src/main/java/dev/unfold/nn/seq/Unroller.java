package dev.unfold.nn.seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Scope;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Unrolls a cell over time, as {@code lax.scan} does:
 * <pre>
 * state = initial
 * for t in 0 until T:                      (inside scope t=K)
 *   x     = input(t, state)
 *   new   = cell.step(x, state)
 *   state = mask_t ? new : state           (only when lengths are given)
 *   states[t] = state
 * </pre>
 * Every step adds copies of the cell's ops that share the same parameter leaves, so
 * backprop-through-time is the graph's ordinary backward pass.
 */
public final class Unroller {
  private Unroller() {}

  /** Produces step t's input from the state so far: what open-loop decoding and teacher forcing need. */
  @FunctionalInterface
  public interface StepInput {
    Node at(Graph g, int t, State prev);
  }

  /** Unrolls over a [T×B×features] node from {@code initial}. */
  public static Unrolled unroll(Graph g, RecurrentCell cell, Node sequence, State initial) {
    return unroll(g, cell, sequence, initial, null);
  }

  /** Unrolls over a [T×B×features] node; with {@code lengths} (may be null) padded steps keep the state. */
  public static Unrolled unroll(Graph g, RecurrentCell cell, Node sequence, State initial, Lengths lengths) {
    Shape s = sequence.shape();
    if (s.rank() != 3) {
      throw ShapeException.of("%s: a sequence must be [T×B×features], got %s (%s)", cell.name(), s, sequence);
    }
    int batch = s.dim(1);
    int features = s.dim(2);
    Optional<RecurrentCell.InputProjection> projection = cell.inputProjection();
    if (projection.isPresent() && features == cell.inputSize()) {
      // NOTE: the input-only part x·W + b of every step as one [T·B×in]·[in×width] product: one tall
      // product instead of T short ones, one bias pass, and in backward one weight-gradient product
      // and one bias sum. It sits in the layer's scope, outside the time steps.
      RecurrentCell.InputProjection p = projection.get();
      Node projected = p.apply(g, sequence).named("input_projection");
      int width = p.width();
      return unroll(g, cell, s.dim(0), (graph, t, prev) -> projected.slice(0, t, t + 1).reshape(batch, width),
          width, p::step, initial, lengths);
    }
    return unroll(g, cell, s.dim(0), (graph, t, prev) -> sequence.slice(0, t, t + 1).reshape(batch, features),
        initial, lengths);
  }

  /** One step of a cell from its (raw or projected) input. */
  @FunctionalInterface
  private interface Step {
    State apply(Graph g, Node x, State prev);
  }

  /** Unrolls over a list of per-step [B×features] nodes. */
  public static Unrolled unroll(Graph g, RecurrentCell cell, List<Node> steps, State initial, Lengths lengths) {
    return unroll(g, cell, steps.size(), (graph, t, prev) -> steps.get(t), initial, lengths);
  }

  /** Unrolls for {@code steps} steps, asking {@code input} for each step's input. */
  public static Unrolled unroll(Graph g, RecurrentCell cell, int steps, StepInput input, State initial,
      Lengths lengths) {
    return unroll(g, cell, steps, input, cell.inputSize(), cell::step, initial, lengths);
  }

  private static Unrolled unroll(Graph g, RecurrentCell cell, int steps, StepInput input, int inputWidth, Step step,
      State initial, Lengths lengths) {
    if (steps < 1) {
      throw new IllegalArgumentException(cell.name() + ": cannot unroll over " + steps + " steps");
    }
    int batch = initial.h().shape().dim(0);
    checkState(cell, initial, batch, "initial state");
    if (lengths != null) {
      lengths.check(batch, steps);
    }
    List<State> states = new ArrayList<>(steps);
    List<State> rows = new ArrayList<>(steps);
    State state = initial;
    for (int t = 0; t < steps; t++) {
      try (Scope scope = g.timeStep(t)) {
        Node x = input.at(g, t, state);
        if (!x.shape().equals(Shape.of(batch, inputWidth))) {
          throw ShapeException.of("%s at t=%d: input %s has shape %s, expected [%d×%d] (batch × input size)",
              cell.name(), t, x, x.shape(), batch, inputWidth);
        }
        State next;
        try {
          next = step.apply(g, x, state);
        } catch (ShapeException e) {
          throw new ShapeException(cell.name() + " at t=" + t + ": " + e.getMessage());
        }
        checkState(cell, next, batch, "state after t=" + t);
        if (lengths != null && !lengths.allValid(t)) {
          next = masked(g, lengths, t, next, state);
        }
        state = next;
        states.add(state);
        // NOTE: a reshape shares its input's storage, so these views cost a node each, no copy.
        rows.add(state.map(part -> part.reshape(1, part.shape().dim(0), part.shape().dim(1))));
      }
    }
    return new Unrolled(g, states, rows, lengths);
  }

  /** {@code where(valid, new, old)} part by part: padded steps leave the state as it was. */
  private static State masked(Graph g, Lengths lengths, int t, State next, State prev) {
    Node valid = g.constant("valid", lengths.mask(t));
    List<Node> parts = new ArrayList<>();
    for (int i = 0; i < next.size(); i++) {
      parts.add(g.where(valid, next.part(i), prev.part(i)));
    }
    return State.of(parts);
  }

  private static void checkState(RecurrentCell cell, State state, int batch, String what) {
    List<Integer> sizes = cell.stateSizes();
    if (state.size() != sizes.size()) {
      throw ShapeException.of("%s: %s has %d parts, the cell's state has %d", cell.name(), what, state.size(), sizes.size());
    }
    for (int i = 0; i < sizes.size(); i++) {
      Shape expected = Shape.of(batch, sizes.get(i));
      if (!state.part(i).shape().equals(expected)) {
        throw ShapeException.of("%s: %s part %d has shape %s, expected %s", cell.name(), what, i,
            state.part(i).shape(), expected);
      }
    }
  }
}
