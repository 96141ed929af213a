package dev.unfold.dump;

import dev.unfold.tensor.TensorSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The text dump: a header line, then one line per node with aligned columns (id, path, op,
 * inputs, shape, value summary, NaN and Inf counts, gradient summary), for logs and terminals.
 */
final class TextDump {
  private TextDump() {}

  static void write(GraphSnapshot s, DumpOptions o, Appendable out) throws IOException {
    List<DumpNode> shown = s.selected(o);
    out.append("graph: ").append(Format.count(s.nodeCount(), "node")).append(", ")
        .append(Format.count(s.parameterCount(), "parameter"));
    if (o.filtered()) {
      out.append("; showing ").append(String.valueOf(shown.size())).append(" (").append(o.describeFilter()).append(')');
    }
    if (o.view() == DumpOptions.View.FOLDED) {
      writeFolded(FoldedView.of(s, o), o, out);
    } else {
      writeUnfolded(shown, o, out);
    }
  }

  private static void writeUnfolded(List<DumpNode> shown, DumpOptions o, Appendable out) throws IOException {
    out.append('\n');
    Table t = new Table(header(o, "in"), 0);
    for (DumpNode n : shown) {
      List<String> cells = new ArrayList<>(List.of("#" + n.id(), n.path(), n.op(), Format.ids(n.inputs()),
          n.shape().toString()));
      addSummaries(cells, o, n.value(), n.grad());
      t.row(cells);
      if (o.fullValuesUpTo() > 0) {
        if (o.values()) {
          n.valueTensor().filter(v -> v.size() <= o.fullValuesUpTo())
              .ifPresent(v -> t.note("value " + Format.elements(v)));
        }
        if (o.grads()) {
          n.gradTensor().filter(g -> g.size() <= o.fullValuesUpTo())
              .ifPresent(g -> t.note("grad  " + Format.elements(g)));
        }
      }
    }
    t.render(out, "  ");
  }

  private static void writeFolded(FoldedView v, DumpOptions o, Appendable out) throws IOException {
    out.append("; folded into ").append(Format.count(v.nodes().size(), "node")).append('\n');
    List<List<String>> inputs = new ArrayList<>();
    for (int i = 0; i < v.nodes().size(); i++) {
      inputs.add(new ArrayList<>());
    }
    for (FoldedView.FoldedEdge e : v.edges()) {
      inputs.get(e.to()).add("f" + e.from() + (e.recurrent() ? e.label().substring(e.label().lastIndexOf('(')) : ""));
    }
    List<String> head = header(o, "in");
    head.add(3, "steps");
    Table t = new Table(head, 0);
    for (FoldedView.FoldedNode n : v.nodes()) {
      List<String> in = inputs.get(n.index());
      List<String> cells = new ArrayList<>(List.of("f" + n.index(), n.path(), n.op(),
          n.steps().isEmpty() ? "-" : Format.steps(n.steps()), in.isEmpty() ? "-" : String.join(",", in),
          String.join(" ", n.shapes().stream().map(Object::toString).toList())));
      addSummaries(cells, o, n.value(), n.grad());
      t.row(cells);
    }
    t.render(out, "  ");
  }

  private static List<String> header(DumpOptions o, String inputs) {
    List<String> h = new ArrayList<>(List.of("id", "path", "op", inputs, "shape"));
    if (o.values()) {
      h.addAll(List.of("value min/mean/max", "nan", "inf"));
    }
    if (o.grads()) {
      h.addAll(List.of("grad ‖·‖", "grad min/max"));
    }
    return h;
  }

  private static void addSummaries(List<String> cells, DumpOptions o, Optional<TensorSummary> value,
      Optional<TensorSummary> grad) {
    if (o.values()) {
      cells.add(value.map(Format::minMeanMax).orElse("-"));
      cells.add(value.map(v -> String.valueOf(v.nan())).orElse("-"));
      cells.add(value.map(v -> String.valueOf(v.inf())).orElse("-"));
    }
    if (o.grads()) {
      cells.add(grad.map(g -> Format.number(g.norm())).orElse("-"));
      cells.add(grad.map(Format::minMax).orElse("-"));
    }
  }

  static String render(GraphSnapshot s, DumpOptions o) {
    StringBuilder sb = new StringBuilder();
    try {
      write(s, o, sb);
    } catch (IOException e) {
      throw new AssertionError("a StringBuilder does not throw", e);
    }
    return sb.toString();
  }
}
