package dev.unfold.nn.attention;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;

/** Softmax over the time axis restricted to each sequence's valid steps. */
final class Masking {
  /**
   * NOTE: padded scores are replaced (not added to) by a large finite negative number: their
   * weight underflows to exactly 0 while no Inf enters the graph, so anomaly checks stay quiet
   * and no gradient reaches the padded scores.
   */
  static final double PADDED_SCORE = -1e30;

  private Masking() {}

  /** softmax over axis {@code axis} of {@code scores}, whose shape is [T×B] (axis 0) or [B×T] (axis 1). */
  static Node softmax(Graph g, Node scores, Lengths lengths, int axis) {
    if (lengths == null) {
      return scores.softmax(axis).named("attention_weights");
    }
    Shape s = scores.shape();
    int steps = s.dim(axis);
    Tensor valid = lengths.masks(steps).reshape(Shape.of(steps, lengths.batch()));
    if (axis == 1) {
      valid = valid.transpose();
    }
    Node masked = g.where(g.constant("valid", valid), scores, g.constant(Tensors.scalar(PADDED_SCORE)));
    return masked.softmax(axis).named("attention_weights");
  }
}
