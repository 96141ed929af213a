package dev.unfold.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.graph.Scope;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.Dot;
import dev.unfold.testing.Golden;
import dev.unfold.testing.HandBuiltRnns;
import dev.unfold.testing.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldedViewTest {
  private static final List<String> LSTM_PARTS = List.of("forget_gate", "input_gate", "output_gate", "candidate", "c", "h");

  @TempDir Path dir;

  private static FoldedView.FoldedNode only(FoldedView v, String label) {
    List<FoldedView.FoldedNode> found = v.nodes().stream().filter(n -> n.label().equals(label)).toList();
    assertEquals(1, found.size(), "copies of " + label);
    return found.get(0);
  }

  @Test
  void lstmFoldsIntoOneCopyOfEachGateWithDelayedEdgesForHAndC() {
    FoldedView v = FoldedView.of(GraphSnapshot.of(HandBuiltRnns.lstm(4, 2, 3).graph()));
    for (String part : LSTM_PARTS) {
      FoldedView.FoldedNode n = only(v, part);
      assertEquals(List.of(0, 1, 2, 3), n.steps(), part);
      assertEquals(4, n.members().size(), part);
      assertEquals("lstm/" + part, n.path());
      assertEquals("lstm/t=*", n.scope());
    }
    int h = only(v, "h").index();
    int c = only(v, "c").index();
    List<FoldedView.FoldedEdge> recurrent = v.edges().stream().filter(FoldedView.FoldedEdge::recurrent).toList();
    // h_{t−1} feeds the four gates' h·U matmuls; c_{t−1} feeds f⊙c.
    assertEquals(5, recurrent.size(), recurrent.toString());
    for (FoldedView.FoldedEdge e : recurrent) {
      assertEquals(1, e.delay());
      assertEquals(e.from() == h ? "h(t−1)" : "c(t−1)", e.label());
      assertTrue(e.from() == h || e.from() == c, e.toString());
      assertEquals(e.from() == h ? "matmul" : "mul", v.nodes().get(e.to()).op());
    }
    assertEquals(4, recurrent.stream().filter(e -> e.from() == h).count());
    // Twelve parameters, each once, outside the folded cell.
    List<FoldedView.FoldedNode> params = v.nodes().stream().filter(n -> n.op().equals("param")).toList();
    assertEquals(12, params.size());
    assertTrue(params.stream().allMatch(p -> p.scope().isEmpty() && p.members().size() == 1));
  }

  @Test
  void lstmFoldedDotHasOneNodePerGateAndDashedDelayedEdgesAcceptedByDot() throws IOException {
    GraphDump d = GraphDump.of(HandBuiltRnns.lstm(4, 2, 3).graph())
        .options(DumpOptions.defaults().folded().withValues(false).withGrads(false));
    Path file = dir.resolve("lstm_folded.dot");
    d.writeDot(file);
    String dot = Files.readString(file);
    for (String part : LSTM_PARTS) {
      long copies = dot.lines().filter(l -> l.contains("[label=\"" + part + "|")).count();
      assertEquals(1, copies, part + " in\n" + dot);
    }
    List<String> dashed = dot.lines().filter(l -> l.contains("style=dashed")).toList();
    Matcher m = Pattern.compile("label=\"([^\"]*)\"").matcher(String.join("\n", dashed));
    List<String> labels = m.results().map(r -> r.group(1)).toList();
    assertEquals(Set.of("h(t−1)", "c(t−1)"), Set.copyOf(labels));
    assertEquals(5, labels.size());
    assertEquals(dashed.size(), Set.copyOf(dashed).size(), "each recurrent edge once");
    Golden.assertMatches("lstm_folded.dot", dot);
    Dot.assertAccepted(file);
  }

  @Test
  void unnamedNodesAreMatchedByTheirOrderWithinAStep() {
    FoldedView v = FoldedView.of(GraphSnapshot.of(HandBuiltRnns.elman(3, 2, 3, 1.0, "a").graph()));
    List<String> paths = v.nodes().stream().map(FoldedView.FoldedNode::path).toList();
    assertEquals(List.of("rnn/W_ax", "rnn/W_aa", "rnn/b_a", "rnn/a0", "rnn/x", "rnn/matmul", "rnn/matmul", "rnn/add",
        "rnn/add", "rnn/a"), paths);
    // The recurrent edge goes into the second matmul (a_{t−1}·W_aa), not the first (x_t·W_ax).
    assertEquals(List.of(new FoldedView.FoldedEdge(9, 6, 1, "a(t−1)")),
        v.edges().stream().filter(FoldedView.FoldedEdge::recurrent).toList());
    // Edges within a step appear once although there are three steps.
    assertEquals(v.edges().size(), Set.copyOf(v.edges().stream().map(e -> List.of(e.from(), e.to())).toList()).size());
  }

  @Test
  void edgesBetweenDifferentTimeAxesAreNotRecurrent() {
    Graph g = new Graph();
    Parameter w = new Parameter("W", Values.signed(1, 2, 2));
    Node h = g.constant("h0", Tensors.zeros(1, 2));
    for (String axis : List.of("encoder", "decoder")) {
      try (Scope s = g.scope(axis)) {
        for (int t = 0; t < 3; t++) {
          try (Scope step = g.timeStep(t)) {
            h = h.matmul(g.param(w)).tanh().named("h");
          }
        }
      }
    }
    FoldedView v = FoldedView.of(GraphSnapshot.of(g));
    String edges = v.edges().stream()
        .map(e -> v.nodes().get(e.from()).path() + "->" + v.nodes().get(e.to()).path() + (e.recurrent() ? e.label() : ""))
        .collect(Collectors.joining(", "));
    // The parameter's leaf sits at the root scope, whichever scope first used it.
    assertEquals("h0->encoder/matmul, W->encoder/matmul, encoder/matmul->encoder/h, "
        + "encoder/h->encoder/matmulh(t−1), encoder/h->decoder/matmul, W->decoder/matmul, decoder/matmul->decoder/h, decoder/h->decoder/matmulh(t−1)",
        edges);
  }

  @Test
  void parameterFirstUsedInsideAStepIsDrawnOnceOutsideTheCell() {
    Graph g = new Graph();
    Parameter w = new Parameter("W", Values.signed(1, 2, 2));
    Node h = g.constant("h0", Tensors.zeros(1, 2));
    try (Scope s = g.scope("rnn")) {
      for (int t = 0; t < 3; t++) {
        try (Scope step = g.timeStep(t)) {
          h = h.matmul(g.param(w)).tanh().named("h");  // the leaf is made at t=0
        }
      }
    }
    assertEquals("", g.nodes().get(1).scopePath(), "a parameter's leaf sits at the root scope");
    FoldedView v = FoldedView.of(GraphSnapshot.of(g));
    FoldedView.FoldedNode p = only(v, "W");
    assertEquals("", p.scope());
    assertEquals(List.of(), p.steps());
    assertTrue(v.edges().stream().filter(e -> e.from() == p.index()).noneMatch(FoldedView.FoldedEdge::recurrent));
    assertTrue(GraphDump.of(g).dot().contains("\n  n1 [label=\"#1 W|param"),
        "the unfolded dump also draws it once, outside every cluster");
  }

  @Test
  void specialCharactersInNamesAreEscapedForDot() throws IOException {
    Graph g = new Graph();
    g.variable("a|b{c}\"<d>\\", Tensors.vector(1, 2)).tanh().named("y");
    Path file = dir.resolve("escaped.dot");
    GraphDump.of(g).writeDot(file);
    assertTrue(Files.readString(file).contains("#0 a\\|b\\{c\\}\\\"\\<d\\>\\\\|var"), Files.readString(file));
    Dot.assertAccepted(file);
  }
}
