package dev.unfold.nn.seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Scope;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.tensor.Tensors;
import java.util.List;

/**
 * A forward and a reversed pass over the sequence (Schuster and Paliwal 1997), merged step by
 * step by concatenation [T×B×(h_f + h_b)] or sum. With lengths, the reverse pass starts at each
 * sequence's own end, as PyTorch's packed sequences do. Scopes: {@code forward}, {@code backward}.
 */
public final class Bidirectional implements SequenceLayer {
  /** How the two directions' outputs combine. */
  public enum Merge { CONCAT, SUM }

  private final RecurrentCell forward;
  private final RecurrentCell backward;
  private final Merge merge;

  public Bidirectional(RecurrentCell forward, RecurrentCell backward, Merge merge) {
    if (forward.inputSize() != backward.inputSize()
        || (merge == Merge.SUM && forward.hiddenSize() != backward.hiddenSize())) {
      throw new IllegalArgumentException("bidirectional: cells disagree: input " + forward.inputSize() + " vs "
          + backward.inputSize() + ", hidden " + forward.hiddenSize() + " vs " + backward.hiddenSize());
    }
    this.forward = forward;
    this.backward = backward;
    this.merge = merge;
  }

  @Override public int inputSize() { return forward.inputSize(); }

  @Override public int outputSize() {
    return merge == Merge.CONCAT ? forward.hiddenSize() + backward.hiddenSize() : forward.hiddenSize();
  }

  @Override public int stateCount() { return 2; }

  @Override
  public Output run(Graph g, Node sequence, Lengths lengths, List<State> initial) {
    if (initial != null && initial.size() != 2) {
      throw new IllegalArgumentException("a bidirectional layer takes 2 initial states, got " + initial.size());
    }
    int steps = sequence.shape().dim(0);
    int batch = sequence.shape().dim(1);
    Lengths l = lengths == null ? Lengths.full(batch, steps) : lengths;
    l.check(batch, steps);
    Unrolled fwd;
    try (Scope s = g.scope("forward")) {
      fwd = Unroller.unroll(g, forward, sequence, initial == null ? State.zeros(g, forward, batch) : initial.get(0), lengths);
    }
    Unrolled bwd;
    Node backOut;
    try (Scope s = g.scope("backward")) {
      Node rows = g.constant("reversal", Tensors.indices(l.reversalRows(steps)));
      Node reversed = reverse(sequence, rows);
      bwd = Unroller.unroll(g, backward, reversed, initial == null ? State.zeros(g, backward, batch) : initial.get(1), lengths);
      backOut = reverse(bwd.outputs(), rows);
    }
    Node merged = merge == Merge.CONCAT ? g.concat(2, fwd.outputs(), backOut) : fwd.outputs().add(backOut);
    return new Output(merged, List.of(fwd.last(), bwd.last()));
  }

  /** Reverses each sequence of [T×B×F] within its length, by gathering rows of [T·B×F]. */
  private static Node reverse(Node x, Node rows) {
    int t = x.shape().dim(0);
    int b = x.shape().dim(1);
    int f = x.shape().dim(2);
    return x.reshape(t * b, f).gatherRows(rows).reshape(t, b, f);
  }
}
