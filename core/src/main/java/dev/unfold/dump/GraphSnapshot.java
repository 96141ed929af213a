package dev.unfold.dump;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable picture of a {@link Graph} at one moment: its nodes in creation order (so every
 * dump of the same graph is the same, byte for byte) with their values and gradients. A
 * snapshot read back from a JSON dump may hold only some of the graph's nodes.
 */
public final class GraphSnapshot {
  private final int nodeCount;
  private final int parameterCount;
  private final List<DumpNode> nodes;
  private final Map<Integer, DumpNode> byId = new HashMap<>();

  /**
   * A snapshot of {@code nodes}, taken from a graph of {@code nodeCount} nodes of which
   * {@code parameterCount} are parameters.
   *
   * @throws IllegalArgumentException when ids do not increase or an input does not come before its node
   */
  public GraphSnapshot(int nodeCount, int parameterCount, List<DumpNode> nodes) {
    this.nodes = List.copyOf(nodes);
    if (nodeCount < this.nodes.size() || parameterCount < 0 || parameterCount > nodeCount) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "snapshot of %d nodes cannot come from a graph of %d nodes with %d parameters",
          this.nodes.size(), nodeCount, parameterCount));
    }
    int last = -1;
    for (DumpNode n : this.nodes) {
      if (n.id() <= last || n.id() >= nodeCount) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "node #%d: ids must increase and lie below the node count %d (previous #%d)", n.id(), nodeCount, last));
      }
      for (int in : n.inputs()) {
        if (in < 0 || in >= n.id()) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "node #%d %s: input #%d does not come before it", n.id(), n.path(), in));
        }
      }
      last = n.id();
      byId.put(n.id(), n);
    }
    this.nodeCount = nodeCount;
    this.parameterCount = parameterCount;
  }

  /** Captures every recorded node of {@code g}, with its value and gradient as they are now. */
  public static GraphSnapshot of(Graph g) {
    List<Node> tape = g.nodes();
    int params = 0;
    for (Node n : tape) {
      params += n.kind() == Node.Kind.PARAMETER ? 1 : 0;
    }
    return new GraphSnapshot(tape.size(), params, tape.stream().map(DumpNode::of).toList());
  }

  /** The nodes held, in creation order. */
  public List<DumpNode> nodes() {
    return nodes;
  }

  /** The node with this id, when the snapshot holds it. */
  public Optional<DumpNode> node(int id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Number of nodes in the graph the snapshot was taken from. */
  public int nodeCount() {
    return nodeCount;
  }

  /** Number of parameter leaves in that graph. */
  public int parameterCount() {
    return parameterCount;
  }

  /** True when the snapshot holds every node of its graph. */
  public boolean complete() {
    return nodes.size() == nodeCount;
  }

  /** The nodes the options select, in creation order. */
  List<DumpNode> selected(DumpOptions options) {
    return nodes.stream().filter(options::selects).toList();
  }
}
