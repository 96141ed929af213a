package dev.unfold.nn.seq2seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Scope;
import dev.unfold.nn.cell.State;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Unrolls a decoder whose input at step t is the previous output: the true previous target
 * (teacher forcing), the model's own prediction (open loop), or a per-step, per-example choice
 * between them (scheduled sampling), as a {@link Feedback} decides.
 * <pre>
 * prev_0 = first
 * for t in 0 until T:                        (scope t=K)
 *   if t > 0: prev_t = feedback(t) ? target_{t−1} : prediction(out_{t−1})
 *   out_t, state = step(t, prev_t, state)
 * </pre>
 * Backprop-through-time is the graph's ordinary backward pass; fed-back arg-max or sampled
 * predictions are constants, while {@link Prediction#identity()} lets the gradient flow through
 * the model's own outputs.
 */
public final class TeacherForcing {
  private TeacherForcing() {}

  /** One decoder step: from what it reads and its state, its output and new state. */
  @FunctionalInterface
  public interface Step {
    Output apply(Graph g, int t, Node previous, State state);
  }

  /** A step's output (logits [B×V] or values [B×F]) and its new state. */
  public record Output(Node output, State state) {}

  /**
   * Every step's output, state and what the step read; {@code rows} are the outputs viewed as
   * [1×B×F], made inside each step's scope so that dumps fold them into the cell.
   */
  public record Result(List<Node> outputs, List<State> states, List<Node> inputs, List<Node> rows) {
    /** The outputs stacked into [T×B×F]. */
    public Node stacked(Graph g) {
      return rows.size() == 1 ? rows.get(0) : g.concat(0, rows);
    }
  }

  /**
   * Runs the decoder for {@code targets.size()} steps.
   *
   * @param first what step 0 reads [B×F] (a start symbol's one-hot, or zeros)
   * @param targets the true outputs, one [B×F] per step; {@code targets.get(t−1)} is what step t
   *     reads under teacher forcing (the last target is never read)
   */
  public static Result run(Graph g, Step step, Node first, List<Node> targets, State initial, Feedback feedback,
      Prediction prediction) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("teacher forcing: no target steps");
    }
    int batch = first.shape().dim(0);
    List<Node> outputs = new ArrayList<>();
    List<State> states = new ArrayList<>();
    List<Node> inputs = new ArrayList<>();
    List<Node> rows = new ArrayList<>();
    State state = initial;
    Node previous = first;
    for (int t = 0; t < targets.size(); t++) {
      try (Scope s = g.timeStep(t)) {
        if (t > 0) {
          previous = choose(g, t, feedback.useTarget(t, batch), targets.get(t - 1),
              prediction.next(g, outputs.get(t - 1)));
        }
        inputs.add(previous);
        Output out = step.apply(g, t, previous, state);
        outputs.add(out.output());
        rows.add(out.output().reshape(1, out.output().shape().dim(0), out.output().shape().dim(1)));
        state = out.state();
        states.add(state);
      }
    }
    return new Result(outputs, states, inputs, rows);
  }

  private static Node choose(Graph g, int t, boolean[] useTarget, Node target, Node predicted) {
    if (!target.shape().equals(predicted.shape())) {
      throw ShapeException.of("teacher forcing at t=%d: the target %s and the prediction %s differ in shape",
          t, target.shape(), predicted.shape());
    }
    if (useTarget.length != target.shape().dim(0)) {
      throw new IllegalStateException("teacher forcing: feedback gave " + useTarget.length + " choices for a batch of "
          + target.shape().dim(0));
    }
    boolean all = true;
    boolean none = true;
    double[] m = new double[useTarget.length];
    for (int b = 0; b < m.length; b++) {
      m[b] = useTarget[b] ? 1 : 0;
      all &= useTarget[b];
      none &= !useTarget[b];
    }
    if (all) {
      return target;
    }
    if (none) {
      return predicted;
    }
    Tensor mask = Tensors.of(Shape.of(m.length, 1), m);
    return g.where(g.constant("use_target", mask), target, predicted).named("fed_back");
  }
}
