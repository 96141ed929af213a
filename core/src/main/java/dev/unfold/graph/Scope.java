package dev.unfold.graph;

/**
 * A named region of a graph, such as {@code encoder/lstm/t=3}. Every node records the scope it
 * was created in; the path is built once when the scope opens, so recording a node costs a
 * reference, not a string.
 *
 * <p>Use with try-with-resources: {@code try (Scope s = g.scope("encoder")) { … }}. Scopes
 * close in the reverse order of opening.
 */
public final class Scope implements AutoCloseable {
  private final Graph graph;
  private final Scope parent;
  private final String path;
  private boolean closed;

  Scope(Graph graph, Scope parent, String segment) {
    this.graph = graph;
    this.parent = parent;
    this.path = parent == null || parent.path.isEmpty() ? segment : parent.path + "/" + segment;
  }

  /** The full path, segments joined by {@code /}; empty for the root. */
  public String path() {
    return path;
  }

  /** The enclosing scope, or null for the root. */
  public Scope parent() {
    return parent;
  }

  /** Leaves this scope; the graph returns to the enclosing one. */
  @Override
  public void close() {
    if (!closed) {
      graph.exitScope(this);
      closed = true;
    }
  }

  @Override
  public String toString() {
    return path.isEmpty() ? "<root>" : path;
  }
}
