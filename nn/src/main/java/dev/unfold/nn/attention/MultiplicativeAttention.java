package dev.unfold.nn.attention;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.tensor.Shape;

/**
 * Luong, Pham and Manning (2015)'s multiplicative scores: {@code dot}, {@code score = q·h_j}
 * (query and key of the same width), or {@code general}, {@code score = q·W·h_j} with W
 * [query×key].
 */
public final class MultiplicativeAttention implements Attention {
  private final int querySize;
  private final int keySize;
  private final Parameter w;

  private MultiplicativeAttention(int querySize, int keySize, Parameter w) {
    this.querySize = querySize;
    this.keySize = keySize;
    this.w = w;
  }

  /** Luong's dot score. */
  public static MultiplicativeAttention dot(int size) {
    return new MultiplicativeAttention(size, size, null);
  }

  /** Luong's general score, with parameter {@code W} [query×key]. */
  public static MultiplicativeAttention general(Params p, int querySize, int keySize) {
    return new MultiplicativeAttention(querySize, keySize, p.create("W", Shape.of(querySize, keySize), Init.xavierUniform()));
  }

  @Override public int querySize() { return querySize; }
  @Override public int keySize() { return keySize; }

  @Override
  public Prepared prepare(Graph g, Node keys, Lengths lengths) {
    KeyShape ks = KeyShape.check(w == null ? "dot attention" : "general attention", keys, keySize, lengths);
    Node batchMajor = keys.permute(1, 0, 2);  // [B×T×key]
    return (graph, query) -> {
      KeyShape.checkQuery(w == null ? "dot attention" : "general attention", query, ks.batch(), querySize);
      Node q = w == null ? query : query.matmul(graph.param(w));  // [B×key]
      Node scores = batchMajor.matmul(q.reshape(ks.batch(), keySize, 1)).reshape(ks.batch(), ks.steps())
          .named("attention_scores");
      Node alpha = Masking.softmax(graph, scores, lengths, 1);
      Node context = alpha.reshape(ks.batch(), 1, ks.steps()).matmul(batchMajor).reshape(ks.batch(), keySize)
          .named("context");
      return new Result(context, alpha);
    };
  }
}
