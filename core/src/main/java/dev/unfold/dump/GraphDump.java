package dev.unfold.dump;

import dev.unfold.graph.Graph;
import dev.unfold.io.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The entry point for dumping a graph: a snapshot plus the options to show it with, written as
 * text, Graphviz DOT or JSON, or drawn to SVG/PNG through Graphviz.
 *
 * <pre>{@code
 * GraphDump d = GraphDump.of(g).options(DumpOptions.defaults().withScopePrefix("rnn"));
 * d.writeText(Path.of("graph.txt"));
 * d.options(d.options().folded()).writeDot(Path.of("cell.dot"));
 * d.renderSvg(Path.of("graph.svg"));      // needs Graphviz's dot
 * }</pre>
 *
 * <p>Immutable: {@link #of(Graph)} takes the snapshot at once, so later changes to the graph do
 * not show. Every method that writes a path writes it atomically.
 */
public final class GraphDump {
  private final GraphSnapshot snapshot;
  private final DumpOptions options;

  private GraphDump(GraphSnapshot snapshot, DumpOptions options) {
    this.snapshot = snapshot;
    this.options = options;
  }

  /** A dump of {@code g} as it is now, with {@link DumpOptions#defaults()}. */
  public static GraphDump of(Graph g) {
    return of(GraphSnapshot.of(g));
  }

  /** A dump of a snapshot, for example one read back with {@link #readJson(Path)}. */
  public static GraphDump of(GraphSnapshot snapshot) {
    return new GraphDump(snapshot, DumpOptions.defaults());
  }

  /** The same snapshot shown with other options. */
  public GraphDump options(DumpOptions newOptions) {
    if (newOptions == null) {
      throw new IllegalArgumentException("dump options are null; use DumpOptions.defaults()");
    }
    return new GraphDump(snapshot, newOptions);
  }

  public DumpOptions options() {
    return options;
  }

  public GraphSnapshot snapshot() {
    return snapshot;
  }

  // ---------------------------------------------------------------- text

  /** The text dump: a header line and one aligned line per node. */
  public String text() {
    return TextDump.render(snapshot, options);
  }

  public void writeText(Writer out) throws IOException {
    TextDump.write(snapshot, options, out);
    out.flush();
  }

  public void writeText(Path file) throws IOException {
    AtomicFiles.writeText(file, this::writeText);
  }

  // ---------------------------------------------------------------- DOT

  /** The Graphviz DOT source of the view the options choose. */
  public String dot() {
    StringBuilder sb = new StringBuilder();
    try {
      DotDump.write(snapshot, options, sb);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }

  public void writeDot(Writer out) throws IOException {
    DotDump.write(snapshot, options, out);
    out.flush();
  }

  public void writeDot(Path file) throws IOException {
    AtomicFiles.writeText(file, this::writeDot);
  }

  // ---------------------------------------------------------------- JSON

  /** The JSON dump (schema 1, see {@code docs/graph-dump-schema.md}). */
  public String json() {
    StringWriter w = new StringWriter();
    try {
      JsonDump.write(snapshot, options, w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  public void writeJson(Writer out) throws IOException {
    JsonDump.write(snapshot, options, out);
  }

  public void writeJson(Path file) throws IOException {
    AtomicFiles.writeText(file, this::writeJson);
  }

  /**
   * Reads a JSON dump back and validates it: the schema version, every field's type, ids in
   * tape order, inputs before their nodes, counts and summaries consistent with shapes and listed
   * elements, and the folded section (if any) consistent with the nodes.
   *
   * @throws DumpFormatException naming the file, the JSON location and the problem
   */
  public static GraphSnapshot readJson(Path file) throws IOException {
    return JsonDump.read(file);
  }

  // ---------------------------------------------------------------- pictures

  /** Draws the DOT view to an SVG file through the system's Graphviz (see {@link Graphviz#system()}). */
  public void renderSvg(Path file) throws IOException {
    render(file, Graphviz.Format.SVG, Graphviz.system());
  }

  /** Draws the DOT view to a PNG file through the system's Graphviz. */
  public void renderPng(Path file) throws IOException {
    render(file, Graphviz.Format.PNG, Graphviz.system());
  }

  /**
   * Draws the DOT view to {@code file} with {@code graphviz}.
   *
   * @throws GraphvizException when dot is missing (saying how to install it) or fails
   */
  public void render(Path file, Graphviz.Format format, Graphviz graphviz) throws IOException {
    Path dot = AtomicFiles.temporarySibling(file);
    try {
      try (Writer w = Files.newBufferedWriter(dot)) {
        writeDot(w);
      }
      graphviz.render(dot, file, format);
    } finally {
      Files.deleteIfExists(dot);
    }
  }
}
