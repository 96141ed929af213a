package dev.unfold.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.NodeTimer;
import dev.unfold.graph.Parameter;
import dev.unfold.graph.Scope;
import dev.unfold.graph.TimeStep;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/** The node timer hook in the graph, and the per-op profile built on it. */
class OpProfileTest {

  /** Three steps of h = tanh(h·W + x_t·V) in scopes rnn/t=K, and a sum as the loss. */
  private static Node unrolled(Graph g, Parameter w, Parameter v) {
    Well19937c rng = new Well19937c(3);
    Node h = g.constant(Tensors.normal(rng, Shape.of(2, 4), 0, 1));
    try (Scope rnn = g.scope("rnn")) {
      for (int t = 0; t < 3; t++) {
        try (Scope step = g.timeStep(t)) {
          Node x = g.constant(Tensors.normal(rng, Shape.of(2, 3), 0, 1));
          h = h.matmul(g.param(w)).add(x.matmul(g.param(v))).tanh().named("h");
        }
      }
    }
    return h.sum();
  }

  private static Parameter[] params() {
    Well19937c rng = new Well19937c(9);
    return new Parameter[] {new Parameter("W", Tensors.normal(rng, Shape.of(4, 4), 0, 0.5)),
        new Parameter("V", Tensors.normal(rng, Shape.of(3, 4), 0, 0.5))};
  }

  private static Map<String, OpProfile.Entry> byKey(OpProfile p) {
    return p.entries().stream().collect(Collectors.toMap(OpProfile.Entry::key, Function.identity()));
  }

  @Test
  void graphCallsTheTimerOncePerOpForwardAndOncePerPullback() {
    List<String> calls = new ArrayList<>();
    NodeTimer recorder = new NodeTimer() {
      @Override
      public void forward(Node n, long nanos) {
        assertTrue(nanos >= 0);
        calls.add("f " + n.path());
      }

      @Override
      public void backward(Node n, long nanos) {
        assertTrue(nanos >= 0);
        calls.add("b " + n.path());
      }

      @Override
      public void gradientSum(Node n, long nanos) {
        assertTrue(nanos >= 0);
        calls.add("s " + n.path());
      }
    };
    Parameter[] p = params();
    Graph g = new Graph();
    g.setNodeTimer(recorder);
    Node loss = unrolled(g, p[0], p[1]);
    g.backward(loss);
    // Per step: two matmuls, an add and a tanh; then the sum.
    assertEquals(13, calls.stream().filter(c -> c.startsWith("f ")).count());
    assertEquals(13, calls.stream().filter(c -> c.startsWith("b ")).count());
    // Only the parameters receive gradients to sum (each from three steps, then into the parameter).
    assertEquals(List.of("s V", "s W"), calls.stream().filter(c -> c.startsWith("s ")).sorted().toList());
    assertEquals("b sum", calls.get(13));
    assertEquals("f rnn/t=0/matmul", calls.get(0));

    g.setNodeTimer(null);
    calls.clear();
    unrolled(g, p[0], p[1]);
    assertEquals(List.of(), calls);
  }

  @Test
  void byOpAddsUpEveryNodeOfAnOp() {
    Parameter[] p = params();
    OpProfile profile = OpProfile.byOp();
    for (int run = 0; run < 2; run++) {
      Graph g = new Graph();
      g.setNodeTimer(profile);
      g.backward(unrolled(g, p[0], p[1]));
    }
    Map<String, OpProfile.Entry> rows = byKey(profile);
    assertEquals(List.of("add", "matmul", "param", "sum", "tanh").stream().sorted().toList(),
        rows.keySet().stream().sorted().toList());
    assertEquals(12, rows.get("matmul").calls());
    assertEquals(6, rows.get("tanh").calls());
    assertEquals(4, rows.get("param").calls());  // two parameters' sums per run
    assertEquals(0, rows.get("param").forwardNanos());
    assertTrue(rows.get("matmul").forwardNanos() > 0 && rows.get("matmul").backwardNanos() > 0);
    long total = rows.values().stream().mapToLong(OpProfile.Entry::totalNanos).sum();
    assertEquals(total, profile.totalNanos());
    // Heaviest first.
    List<OpProfile.Entry> sorted = profile.entries();
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(sorted.get(i - 1).totalNanos() >= sorted.get(i).totalNanos());
    }

    String table = profile.table(2);
    assertTrue(table.startsWith("op "), table);
    assertTrue(table.lines().anyMatch(l -> l.matches("matmul\\s+6\\s+.*%")), table);
    assertTrue(table.lines().anyMatch(l -> l.matches("total\\s+15\\s+.*100\\.0%")), table);

    profile.reset();
    assertEquals(List.of(), profile.entries());
    assertEquals(0, profile.totalNanos());
  }

  @Test
  void byScopeFoldsTimeStepsAndKeepsScopesApart() {
    Parameter[] p = params();
    OpProfile profile = OpProfile.byScope();
    Graph g = new Graph();
    g.setNodeTimer(profile);
    g.backward(unrolled(g, p[0], p[1]));
    Map<String, OpProfile.Entry> rows = byKey(profile);
    assertEquals(List.of("V", "W", "rnn/t=*/add", "rnn/t=*/matmul", "rnn/t=*/tanh", "sum"),
        rows.keySet().stream().sorted().toList());
    assertEquals(6, rows.get("rnn/t=*/matmul").calls());
    assertEquals(3, rows.get("rnn/t=*/tanh").calls());
    assertTrue(profile.table().startsWith("node "));
  }

  @Test
  void tableRejectsNoRuns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpProfile.byOp().table(0));
    assertTrue(e.getMessage().contains("OpProfile.table"));
    assertTrue(OpProfile.byOp().table().contains("total"));
  }

  @Test
  void foldWritesEveryTimeStepAsStar() {
    assertEquals("enc/t=*/gate", TimeStep.fold("enc/t=3/gate"));
    assertEquals("dec/t=*/attn/t=*", TimeStep.fold("dec/t=12/attn/t=0"));
    assertEquals("t=x/t=", TimeStep.fold("t=x/t="));
    assertEquals("", TimeStep.fold(""));
  }
}
