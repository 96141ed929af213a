package dev.unfold.nn.attention;

import dev.unfold.graph.Node;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;

/** Checks encoder states and queries for an attention, with errors naming the attention and shapes. */
record KeyShape(int steps, int batch) {
  static KeyShape check(String what, Node keys, int keySize, Lengths lengths) {
    Shape s = keys.shape();
    if (s.rank() != 3 || s.dim(2) != keySize) {
      throw ShapeException.of("%s: encoder states must be [T×B×%d], got %s", what, keySize, s);
    }
    if (lengths != null) {
      lengths.check(s.dim(1), s.dim(0));
    }
    return new KeyShape(s.dim(0), s.dim(1));
  }

  static void checkQuery(String what, Node query, int batch, int querySize) {
    if (!query.shape().equals(Shape.of(batch, querySize))) {
      throw ShapeException.of("%s: query must be [%d×%d], got %s", what, batch, querySize, query.shape());
    }
  }
}
