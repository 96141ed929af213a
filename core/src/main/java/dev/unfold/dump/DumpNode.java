package dev.unfold.dump;

import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorSummary;
import java.util.List;
import java.util.Optional;

/**
 * One node of a {@link GraphSnapshot}: what a dump shows about a graph node, detached from the
 * graph. Immutable.
 *
 * @param id position on the graph's tape
 * @param kind constant, variable, parameter or op
 * @param op the op's name, or {@code const}, {@code var}, {@code param} for leaves
 * @param name the node's own name; empty when unnamed
 * @param scope the scope path the node was created in, for example {@code rnn/t=2}
 * @param inputs the ids of the inputs, in order
 * @param shape the value's shape
 * @param value summary of the value; empty only in a dump read back without values
 * @param grad summary of the gradient; empty when the node has none
 * @param valueTensor the value itself; from a graph always, from a file only when it was small
 *     enough to be written in full
 * @param gradTensor the gradient itself, under the same rule
 */
public record DumpNode(int id, Node.Kind kind, String op, String name, String scope, List<Integer> inputs,
    Shape shape, Optional<TensorSummary> value, Optional<TensorSummary> grad, Optional<Tensor> valueTensor,
    Optional<Tensor> gradTensor) {

  public DumpNode {
    inputs = List.copyOf(inputs);
  }

  /**
   * Captures {@code n}. Its gradient is the one kept on the node ({@link Node#hasGrad()}); a
   * parameter leaf that kept none shows its {@link Parameter#grad()}, the gradient an optimizer
   * would use.
   */
  static DumpNode of(Node n) {
    Tensor g = n.hasGrad() ? n.grad() : n.parameter().map(Parameter::grad).orElse(null);
    return new DumpNode(n.id(), n.kind(), n.opName(), n.name(), n.scopePath(),
        n.inputs().stream().map(Node::id).toList(), n.shape(), Optional.of(TensorSummary.of(n.value())),
        Optional.ofNullable(g).map(TensorSummary::of), Optional.of(n.value()), Optional.ofNullable(g));
  }

  /** The name, or the op's name when unnamed: the last segment of {@link #path()}. */
  public String label() {
    return name.isEmpty() ? op : name;
  }

  /** Scope and label, for example {@code rnn/t=2/a}; the same as {@link Node#path()}. */
  public String path() {
    return scope.isEmpty() ? label() : scope + "/" + label();
  }

  public boolean isParameter() {
    return kind == Node.Kind.PARAMETER;
  }
}
