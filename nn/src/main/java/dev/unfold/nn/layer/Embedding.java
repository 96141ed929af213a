package dev.unfold.nn.layer;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;

/**
 * A lookup table of {@code vocabulary} vectors of size {@code dim}: whole-number indices
 * {@code [I…]} give {@code [I…×dim]}. Parameter {@code E} [vocabulary×dim], normal(0, 1) as in PyTorch.
 */
public final class Embedding {
  private final Parameter table;

  public Embedding(Params p, int vocabulary, int dim) {
    this.table = p.create("E", Shape.of(vocabulary, dim), Init.normal(1.0));
  }

  public Parameter table() {
    return table;
  }

  public int dim() {
    return table.shape().dim(1);
  }

  /** The rows of the table picked by {@code indices}. */
  public Node apply(Graph g, Node indices) {
    return g.param(table).gatherRows(indices);
  }
}
