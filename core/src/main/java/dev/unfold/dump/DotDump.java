package dev.unfold.dump;

import dev.unfold.graph.Node;
import dev.unfold.tensor.TensorSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Graphviz DOT dump: one {@code record} node per graph node (or per folded node), one
 * {@code subgraph cluster_*} per scope, nested as the scopes are, parameters drawn once in bold,
 * fill colour by op family, {@code rankdir=LR}. Recurrent edges of the folded view are dashed
 * and labelled with their delay.
 */
final class DotDump {
  private DotDump() {}

  static void write(GraphSnapshot s, DumpOptions o, Appendable out) throws IOException {
    String title = "graph: " + Format.count(s.nodeCount(), "node") + ", " + Format.count(s.parameterCount(), "parameter")
        + (o.filtered() ? "; showing " + o.describeFilter() : "")
        + (o.view() == DumpOptions.View.FOLDED ? "; folded" : "");
    out.append("digraph unfold {\n")
        .append("  rankdir=LR;\n")
        .append("  label=\"").append(quoted(title)).append("\";\n")
        .append("  labelloc=t;\n")
        .append("  fontname=\"Helvetica\";\n")
        .append("  node [shape=record, style=filled, fontname=\"Helvetica\", fontsize=10];\n")
        .append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    if (o.view() == DumpOptions.View.FOLDED) {
      writeFolded(FoldedView.of(s, o), o, out);
    } else {
      writeUnfolded(s.selected(o), o, out);
    }
    out.append("}\n");
  }

  private static void writeUnfolded(List<DumpNode> shown, DumpOptions o, Appendable out) throws IOException {
    Cluster root = new Cluster("", "");
    Set<Integer> ids = new HashSet<>();
    for (DumpNode n : shown) {
      String scope = n.isParameter() ? StepScope.outsideTime(n.scope()).folded() : n.scope();
      List<String> fields = new ArrayList<>();
      fields.add("#" + n.id() + (n.name().isEmpty() ? "" : " " + n.name()));
      fields.add(n.op());
      fields.add(n.shape().toString());
      addSummaries(fields, o, n.value(), n.grad());
      root.at(scope).statements.add(nodeStatement("n" + n.id(), fields, n.kind(), n.op()));
      ids.add(n.id());
    }
    root.write(out, "  ", new ClusterNames());
    for (DumpNode n : shown) {
      for (int in : n.inputs()) {
        if (ids.contains(in)) {
          out.append("  n").append(String.valueOf(in)).append(" -> n").append(String.valueOf(n.id())).append(";\n");
        }
      }
    }
  }

  private static void writeFolded(FoldedView v, DumpOptions o, Appendable out) throws IOException {
    Cluster root = new Cluster("", "");
    for (FoldedView.FoldedNode n : v.nodes()) {
      List<String> fields = new ArrayList<>();
      if (!n.label().equals(n.op())) {  // unnamed nodes are labelled by their op; show it once
        fields.add(n.label());
      }
      fields.add(n.op());
      fields.add(String.join(" ", n.shapes().stream().map(Object::toString).toList()));
      if (!n.steps().isEmpty()) {
        fields.add(Format.steps(n.steps()));
      }
      addSummaries(fields, o, n.value(), n.grad());
      Cluster c = root.at(n.scope());
      c.statements.add(nodeStatement("f" + n.index(), fields, n.kind(), n.op()));
      c.steps.addAll(n.steps());
    }
    root.write(out, "  ", new ClusterNames());
    for (FoldedView.FoldedEdge e : v.edges()) {
      out.append("  f").append(String.valueOf(e.from())).append(" -> f").append(String.valueOf(e.to()));
      if (e.recurrent()) {
        // NOTE: constraint=false keeps back edges from stretching the cell's left-to-right ranks.
        out.append(" [style=dashed, constraint=false, label=\"").append(quoted(e.label())).append("\"]");
      }
      out.append(";\n");
    }
  }

  private static void addSummaries(List<String> fields, DumpOptions o, Optional<TensorSummary> value,
      Optional<TensorSummary> grad) {
    if (o.values() && value.isPresent()) {
      TensorSummary v = value.get();
      fields.add("min/mean/max " + Format.minMeanMax(v)
          + (v.allFinite() ? "" : " NaN " + v.nan() + " Inf " + v.inf()));
    }
    if (o.grads() && grad.isPresent()) {
      fields.add("‖g‖ " + Format.number(grad.get().norm()) + " min/max " + Format.minMax(grad.get()));
    }
  }

  private static String nodeStatement(String id, List<String> fields, Node.Kind kind, String op) {
    StringBuilder label = new StringBuilder();
    for (String f : fields) {
      label.append(label.length() == 0 ? "" : "|").append(recordField(f));
    }
    String style = kind == Node.Kind.PARAMETER ? ", style=\"filled,bold\", penwidth=2" : "";
    return id + " [label=\"" + label + "\", fillcolor=\"" + OpKind.of(kind, op).fill() + "\"" + style + "];";
  }

  /** Escapes what a record label treats as structure, then what a quoted DOT string treats as special. */
  private static String recordField(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("{}|<>".indexOf(c) >= 0) {
        sb.append('\\').append(c);
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String quoted(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** One scope: its node statements and its child scopes, in order of first appearance. */
  private static final class Cluster {
    final String path;
    final String segment;
    final List<String> statements = new ArrayList<>();
    final Map<String, Cluster> children = new LinkedHashMap<>();
    final TreeSet<Integer> steps = new TreeSet<>();

    Cluster(String path, String segment) {
      this.path = path;
      this.segment = segment;
    }

    Cluster at(String scope) {
      Cluster c = this;
      if (scope.isEmpty()) {
        return c;
      }
      for (String seg : scope.split("/")) {
        Cluster parent = c;
        c = c.children.computeIfAbsent(seg,
            k -> new Cluster(parent.path.isEmpty() ? k : parent.path + "/" + k, k));
      }
      return c;
    }

    void write(Appendable out, String indent, ClusterNames names) throws IOException {
      for (String s : statements) {
        out.append(indent).append(s).append('\n');
      }
      for (Cluster child : children.values()) {
        out.append(indent).append("subgraph ").append(names.of(child.path)).append(" {\n");
        String inner = indent + "  ";
        String label = child.segment.equals("t=*") && !child.steps.isEmpty()
            ? "one cell, " + Format.steps(List.copyOf(child.steps)) + " folded" : child.segment;
        out.append(inner).append("label=\"").append(quoted(label)).append("\";\n");
        child.write(out, inner, names);
        out.append(indent).append("}\n");
      }
    }
  }

  /** Unique DOT identifiers {@code cluster_<path>} for scope paths. */
  private static final class ClusterNames {
    private final Set<String> used = new HashSet<>();

    String of(String path) {
      String base = "cluster_" + path.replaceAll("[^A-Za-z0-9]", "_");
      String name = base;
      for (int k = 2; !used.add(name); k++) {
        name = base + "_" + k;
      }
      return name;
    }
  }
}
