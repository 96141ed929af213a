package dev.unfold.nn.attention;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.tensor.Shape;

/**
 * Additive attention (Bahdanau, Cho and Bengio 2015):
 * {@code score(q, h_j) = vᵀ·tanh(q·W_q + h_j·W_k + b)}. Parameters {@code W_q} [query×attn],
 * {@code W_k} [key×attn], {@code b} [attn], {@code v} [attn×1].
 */
public final class AdditiveAttention implements Attention {
  private final Parameter wq;
  private final Parameter wk;
  private final Parameter b;
  private final Parameter v;

  public AdditiveAttention(Params p, int querySize, int keySize, int attentionSize) {
    wq = p.create("W_q", Shape.of(querySize, attentionSize), Init.xavierUniform());
    wk = p.create("W_k", Shape.of(keySize, attentionSize), Init.xavierUniform());
    b = p.create("b", Shape.of(attentionSize), Init.zeros());
    v = p.create("v", Shape.of(attentionSize, 1), Init.xavierUniform());
  }

  @Override public int querySize() { return wq.shape().dim(0); }
  @Override public int keySize() { return wk.shape().dim(0); }

  @Override
  public Prepared prepare(Graph g, Node keys, Lengths lengths) {
    KeyShape ks = KeyShape.check("additive attention", keys, keySize(), lengths);
    Node batchMajor = keys.permute(1, 0, 2);                              // [B×T×key]
    Node projected = batchMajor.matmul(g.param(wk)).add(g.param(b));      // [B×T×attn], once per batch
    return (graph, query) -> {
      KeyShape.checkQuery("additive attention", query, ks.batch(), querySize());
      Node q = query.matmul(graph.param(wq));                             // [B×attn]
      Node e = projected.add(q.reshape(ks.batch(), 1, q.shape().dim(1))).tanh();
      Node scores = e.matmul(graph.param(v)).reshape(ks.batch(), ks.steps()).named("attention_scores");
      Node alpha = Masking.softmax(graph, scores, lengths, 1);
      Node context = alpha.reshape(ks.batch(), 1, ks.steps()).matmul(batchMajor).reshape(ks.batch(), keySize())
          .named("context");
      return new Result(context, alpha);
    };
  }
}
