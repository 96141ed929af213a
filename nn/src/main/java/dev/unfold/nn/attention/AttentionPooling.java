package dev.unfold.nn.attention;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;

/**
 * Attention pooling of a sequence of states for classification (as in Yang et al. 2016, with a
 * single learned query):
 * <pre>
 * s_t = w·h_t                     scores [T×B]
 * α   = softmax_t(s) over each sequence's valid steps
 * pooled = Σ_t α_t h_t            [B×hid]
 * </pre>
 * A pure composite of graph ops with no backward of its own. Parameter {@code w} [hid].
 */
public final class AttentionPooling {
  private final Parameter w;

  public AttentionPooling(Params p, int hidden) {
    this.w = p.create("w", Shape.of(hidden, 1), Init.xavierUniform());
  }

  /** The pooled vector and the weights, for inspection. */
  public record Result(Node pooled, Node weights) {}

  public Parameter query() {
    return w;
  }

  /**
   * Pools states [T×B×hid].
   *
   * @param lengths per-sequence lengths, or null when all are full; padded steps get weight 0
   */
  public Result apply(Graph g, Node states, Lengths lengths) {
    Shape s = states.shape();
    if (s.rank() != 3 || s.dim(2) != w.shape().dim(0)) {
      throw ShapeException.of("attention pooling: states must be [T×B×%d], got %s", w.shape().dim(0), s);
    }
    int steps = s.dim(0);
    int batch = s.dim(1);
    if (lengths != null) {
      lengths.check(batch, steps);
    }
    Node scores = states.matmul(g.param(w)).reshape(steps, batch).named("attention_scores");
    Node alpha = Masking.softmax(g, scores, lengths, 0);
    Node pooled = alpha.reshape(steps, batch, 1).mul(states).sum(0, false).named("pooled");
    return new Result(pooled, alpha);
  }
}
