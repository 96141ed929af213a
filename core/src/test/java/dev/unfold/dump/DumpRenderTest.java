package dev.unfold.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Properties of the text and DOT renderers that the golden files show but do not name. */
class DumpRenderTest {
  private static final GraphDump ELMAN = DumpGoldenTest.elman();

  @Test
  void eachParameterIsDrawnOnceInBoldWithAnEdgeIntoEveryStep() {
    List<String> lines = ELMAN.dot().lines().map(String::trim).toList();
    List<String> wAa = lines.stream().filter(l -> l.startsWith("n1 [")).toList();
    assertEquals(1, wAa.size());
    assertTrue(wAa.get(0).contains("#1 rnn/W_aa|param|[3×3]") && wAa.get(0).contains("style=\"filled,bold\""), wAa.get(0));
    // a_{t−1}·W_aa at t=0, 1, 2 are nodes #6, #12, #18.
    assertEquals(List.of("n1 -> n6;", "n1 -> n12;", "n1 -> n18;"), lines.stream().filter(l -> l.startsWith("n1 ->")).toList());
    assertEquals(3, lines.stream().filter(l -> l.contains("style=\"filled,bold\"")).count(), "three parameters");
  }

  @Test
  void stepsAreClustersNestedInTheirScope() {
    String dot = ELMAN.dot();
    int rnn = dot.indexOf("  subgraph cluster_rnn {\n");
    int t0 = dot.indexOf("    subgraph cluster_rnn_t_0 {\n      label=\"t=0\";\n      n4 [");
    int t2 = dot.indexOf("    subgraph cluster_rnn_t_2 {\n");
    assertTrue(rnn >= 0 && rnn < t0 && t0 < t2, dot);
    assertTrue(dot.startsWith("digraph unfold {\n  rankdir=LR;\n"), dot);
  }

  @Test
  void smallTensorsArePrintedInFull() {
    String text = ELMAN.options(DumpOptions.defaults().withFullValuesUpTo(3)).text();
    List<String> lines = text.lines().toList();
    int a0 = lines.indexOf(lines.stream().filter(l -> l.contains(" rnn/t=0/a ")).findFirst().orElseThrow());
    assertTrue(lines.get(a0 + 1).trim().startsWith("value [["), lines.get(a0 + 1));
    assertTrue(lines.get(a0 + 2).trim().startsWith("grad  [["), lines.get(a0 + 2));
    assertEquals(ELMAN.snapshot().node(9).orElseThrow().valueTensor().orElseThrow().size(),
        lines.get(a0 + 1).split(",").length, "every element listed");
    // W_ax has 6 elements, above the limit: no full listing under it.
    int wAx = lines.indexOf(lines.stream().filter(l -> l.contains(" rnn/W_ax ")).findFirst().orElseThrow());
    assertTrue(lines.get(wAx + 1).contains(" rnn/W_aa "), lines.get(wAx + 1));
  }

  @Test
  void summariesCanBeLeftOut() {
    String text = ELMAN.options(DumpOptions.defaults().withValues(false).withGrads(false)).text();
    assertEquals("   id  path            op      in       shape", text.lines().skip(1).findFirst().orElseThrow());
    assertFalse(ELMAN.options(DumpOptions.defaults().withValues(false).withGrads(false)).dot().contains("min/mean/max"));
  }

  @Test
  void writerAndStringGiveTheSameDump() throws IOException {
    StringWriter text = new StringWriter();
    StringWriter dot = new StringWriter();
    StringWriter json = new StringWriter();
    ELMAN.writeText(text);
    ELMAN.writeDot(dot);
    ELMAN.writeJson(json);
    assertEquals(List.of(ELMAN.text(), ELMAN.dot(), ELMAN.json()), List.of(text.toString(), dot.toString(), json.toString()));
  }

  @Test
  void snapshotIsNotAffectedByLaterChangesToTheGraph() {
    Graph g = new Graph();
    g.constant("x", Tensors.vector(1, 2));
    GraphDump d = GraphDump.of(g);
    g.constant("y", Tensors.vector(3));
    assertTrue(d.text().startsWith("graph: 1 node, 0 parameters\n"), d.text());
  }
}
