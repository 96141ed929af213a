package dev.unfold.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.testing.Dot;
import dev.unfold.testing.HandBuiltRnns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filtering dumps by scope prefix and by op, on an 11-step Elman RNN (so t=1 and t=10 both exist). */
class DumpFilterTest {
  @TempDir Path dir;

  private static final GraphDump DUMP = GraphDump.of(HandBuiltRnns.elman(11, 2, 3, 1.0, "a").graph());

  /** The rows of a text dump, split into cells (id, path, op, in, shape, …). */
  private static List<String[]> rows(String text) {
    List<String> lines = List.of(text.split("\n"));
    return lines.subList(2, lines.size()).stream().map(l -> l.trim().split(" +")).toList();
  }

  @Test
  void scopePrefixMatchesWholeSegmentsOnly() {
    String text = DUMP.options(DumpOptions.defaults().withScopePrefix("rnn/t=1")).text();
    List<String> paths = rows(text).stream().map(r -> r[1]).toList();
    assertEquals(List.of("rnn/t=1/x", "rnn/t=1/matmul", "rnn/t=1/matmul", "rnn/t=1/add", "rnn/t=1/add", "rnn/t=1/a"),
        paths, text);
    assertTrue(text.startsWith("graph: 70 nodes, 3 parameters; showing 6 (scope rnn/t=1)\n"), text);
  }

  @Test
  void trailingSlashInPrefixIsIgnored() {
    assertEquals(DUMP.options(DumpOptions.defaults().withScopePrefix("rnn/t=10")).text(),
        DUMP.options(DumpOptions.defaults().withScopePrefix("rnn/t=10/")).text());
  }

  @Test
  void opFilterKeepsOnlyThoseOps() {
    List<String[]> rows = rows(DUMP.options(DumpOptions.defaults().withOps("tanh")).text());
    assertEquals(11, rows.size());
    assertTrue(rows.stream().allMatch(r -> r[2].equals("tanh") && r[1].endsWith("/a")));
  }

  @Test
  void scopeAndOpFiltersCombine() {
    List<String[]> rows = rows(DUMP.options(DumpOptions.defaults().withScopePrefix("rnn/t=2").withOps("matmul", "param"))
        .text());
    assertEquals(List.of("#17", "#18"), rows.stream().map(r -> r[0]).toList());
    List<String[]> params = rows(DUMP.options(DumpOptions.defaults().withScopePrefix("rnn").withOps("param")).text());
    assertEquals(List.of("rnn/W_ax", "rnn/W_aa", "rnn/b_a"), params.stream().map(r -> r[1]).toList());
  }

  @Test
  void dotDumpAppliesTheSameFilterAndKeepsOnlyEdgesBetweenShownNodes() throws IOException {
    GraphDump d = DUMP.options(DumpOptions.defaults().withScopePrefix("rnn/t=3"));
    String dot = d.dot();
    List<String> nodes = Arrays.stream(dot.split("\n")).map(String::trim).filter(l -> l.matches("n\\d+ \\[.*"))
        .map(l -> l.substring(0, l.indexOf(' '))).toList();
    assertEquals(List.of("n22", "n23", "n24", "n25", "n26", "n27"), nodes);
    // Inside the step: x→matmul, matmul→add twice, add→add, add→tanh. Parameters and a_{t−1} are hidden.
    assertEquals(5, dot.lines().filter(l -> l.contains("->")).count(), dot);
    assertFalse(dot.contains("n0 "), "parameters are filtered out");
    Path file = dir.resolve("filtered.dot");
    d.writeDot(file);
    Dot.assertAccepted(file);
  }

  @Test
  void foldedViewOfAFilteredGraphFoldsOnlyTheSelectedNodes() {
    FoldedView v = FoldedView.of(DUMP.snapshot(), DumpOptions.defaults().withOps("tanh", "matmul"));
    assertEquals(List.of("rnn/matmul", "rnn/matmul", "rnn/a"), v.nodes().stream().map(FoldedView.FoldedNode::path).toList());
    // a_{t−1} → matmul is the only edge among the selected nodes, and it is recurrent.
    assertEquals(List.of(new FoldedView.FoldedEdge(2, 1, 1, "a(t−1)")), v.edges());
  }
}
