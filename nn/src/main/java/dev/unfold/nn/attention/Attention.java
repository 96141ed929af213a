package dev.unfold.nn.attention;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.seq.Lengths;

/**
 * Attention of a decoder query over encoder states ("keys", also the values):
 * {@code α_j = softmax_j(score(q, h_j))} over valid steps, {@code context = Σ_j α_j h_j}.
 *
 * <p>Use {@link #prepare} once per encoded batch (work that does not depend on the query, such
 * as {@code W_h·h_j}, is done there), then {@link Prepared#attend} at every decoder step.
 */
public interface Attention {
  /** Keys ready for repeated queries. */
  interface Prepared {
    /** The context [B×key] and the weights [B×T] for query [B×query]. */
    Result attend(Graph g, Node query);
  }

  /** A context vector and the attention weights that made it. */
  record Result(Node context, Node weights) {}

  /**
   * Prepares encoder states [T×B×key].
   *
   * @param lengths per-sequence lengths (padded steps get weight 0), or null
   */
  Prepared prepare(Graph g, Node keys, Lengths lengths);

  /** Width of the queries this attention takes. */
  int querySize();

  /** Width of the keys (and of the context). */
  int keySize();
}
