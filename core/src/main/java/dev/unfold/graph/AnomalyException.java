package dev.unfold.graph;

import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorSummary;
import java.util.List;
import java.util.Locale;

/**
 * The first NaN or infinity found by a graph in anomaly mode ({@link Graph#setAnomalyDetection}):
 * a node value computed in forward, or a gradient computed by a pullback in backward. The
 * message names the node (id, scope path, op, shape), how many elements are NaN or infinite,
 * and summaries of the inputs (forward) or of the incoming gradient and the input (backward).
 */
public final class AnomalyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** When the anomaly appeared. */
  public enum Phase {
    /** A node's value. */
    FORWARD,
    /** A gradient returned by a node's pullback. */
    BACKWARD
  }

  private final Phase phase;
  private final int nodeId;
  private final String path;
  private final String op;

  private AnomalyException(Phase phase, int nodeId, String path, String op, String message) {
    super(message);
    this.phase = phase;
    this.nodeId = nodeId;
    this.path = path;
    this.op = op;
  }

  /**
   * A node about to be recorded whose value is not finite. It has no name yet (names are given
   * after creation), so its path ends in its op.
   */
  static AnomalyException forward(Node n) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "anomaly in forward: node %s %s (op %s, shape %s) has %s%nvalue: %s", ref(n.id()), n.path(), n.opName(),
        n.shape(), nonFinite(n.value()), TensorSummary.of(n.value())));
    List<Node> inputs = n.inputs();
    if (inputs.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%nit is a leaf: the value was given, not computed"));
    }
    for (int i = 0; i < inputs.size(); i++) {
      Node x = inputs.get(i);
      sb.append(String.format(Locale.ROOT, "%ninput %d: %s: %s", i, x, TensorSummary.of(x.value())));
    }
    return new AnomalyException(Phase.FORWARD, n.id(), n.path(), n.opName(), sb.toString());
  }

  /** The pullback of {@code n} gave input {@code j} the non-finite gradient {@code d} from the incoming {@code dOut}. */
  static AnomalyException backward(Node n, int j, Tensor d, Tensor dOut) {
    Node x = n.inputs().get(j);
    String msg = String.format(Locale.ROOT,
        "anomaly in backward: the pullback of node %s %s (op %s, shape %s) gave input %d (%s) a gradient that has %s"
            + "%ngradient for input %d: %s%nincoming gradient of %s: %s%nvalue of input %d: %s%nvalue of %s: %s",
        ref(n.id()), n.path(), n.opName(), n.shape(), j, x, nonFinite(d), j, TensorSummary.of(d), ref(n.id()),
        TensorSummary.of(dOut), j, TensorSummary.of(x.value()), ref(n.id()), TensorSummary.of(n.value()));
    return new AnomalyException(Phase.BACKWARD, n.id(), n.path(), n.opName(), msg);
  }

  /** The seed gradient given to backward is not finite. */
  static AnomalyException seed(Node root, Tensor seed) {
    return new AnomalyException(Phase.BACKWARD, root.id(), root.path(), root.opName(), String.format(Locale.ROOT,
        "anomaly in backward: the seed gradient for %s has %s", root, nonFinite(seed)));
  }

  private static String ref(int id) {
    return "#" + (id >= 0 ? String.valueOf(id) : "-");
  }

  private static String nonFinite(Tensor t) {
    TensorSummary s = TensorSummary.of(t);
    return s.nan() + " NaN and " + s.inf() + " Inf among " + s.count() + " elements";
  }

  public Phase phase() {
    return phase;
  }

  /** The tape id of the node whose value (forward) or pullback (backward) was not finite; −1 if unrecorded. */
  public int nodeId() {
    return nodeId;
  }

  /** That node's scope path and name, or op when it had no name yet, e.g. {@code rnn/t=2/exp}. */
  public String path() {
    return path;
  }

  /** That node's op name. */
  public String op() {
    return op;
  }
}
