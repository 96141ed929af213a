package dev.unfold.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.dump.DumpOptions;
import dev.unfold.dump.FlowOptions;
import dev.unfold.dump.GradientFlow;
import dev.unfold.dump.GraphDump;
import dev.unfold.dump.OpProfile;
import dev.unfold.graph.AnomalyException;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Bidirectional;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq.Stacked;
import dev.unfold.nn.seq.Unidirectional;
import dev.unfold.nn.seq.Unrolled;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's code, compiled and run: each {@code // snippet: NAME} region below must appear
 * verbatim (up to indentation) in README.md after a {@code <!-- snippet: NAME -->} marker, so
 * the README cannot drift from the code.
 */
class ReadmeSnippetsTest {

  // snippet: custom-cell
  /** A leaky RNN: each unit keeps a learned share of its old value, h' = (1 − a)⊙h + a⊙tanh(x·W + h·U + b). */
  static final class LeakyCell implements RecurrentCell {
    private final Parameter w, u, b, leak;

    LeakyCell(Params p, int in, int hidden) {
      w = p.create("W", Shape.of(in, hidden), Init.xavierUniform());
      u = p.create("U", Shape.of(hidden, hidden), Init.orthogonal());
      b = p.create("b", Shape.of(hidden), Init.zeros());
      leak = p.create("leak", Shape.of(hidden), Init.zeros());
    }

    @Override public int inputSize() { return w.shape().dim(0); }
    @Override public List<Integer> stateSizes() { return List.of(w.shape().dim(1)); }

    @Override public State step(Graph g, Node x, State prev) {
      Node h = prev.h();
      Node a = g.param(leak).sigmoid().named("leak_gate");
      Node candidate = x.matmul(g.param(w)).add(h.matmul(g.param(u))).add(g.param(b)).tanh().named("candidate");
      return State.of(h.add(a.mul(candidate.sub(h))).named("h"));
    }
  }
  // end snippet

  @Test
  void trainCustomCell() {
    // snippet: train-custom-cell
    Params params = Params.seeded("model", 42);
    LeakyCell cell = new LeakyCell(params.child("leaky"), 1, 16);
    Linear head = new Linear(params.child("head"), 16, 1);
    Optimizer adam = Optimizer.adam(params.all(), 0.01);
    Well19937c rng = new Well19937c(7);
    for (int step = 1; step <= 300; step++) {
      Tensor xs = Tensors.uniform(rng, Shape.of(10, 32, 1), -1, 1);  // [T×B×features]
      Tensor target = xs.sum(0, false).scale(0.3);                     // a scaled running sum
      Graph g = new Graph();
      Unrolled run = Unroller.unroll(g, cell, g.constant("x", xs), State.zeros(g, cell, 32));
      Node loss = Losses.meanSquaredError(g, head.apply(g, run.last().h()), target, LossOptions.mean());
      g.backward(loss);        // backprop through time is the ordinary backward pass
      adam.step();
      adam.zeroGrad();
      if (step % 100 == 0) {
        System.out.printf("step %d  loss %.4f%n", step, loss.value().item());
      }
    }
    // end snippet
    Graph g = Graph.inference();
    Tensor xs = Tensors.uniform(new Well19937c(8), Shape.of(10, 64, 1), -1, 1);
    Unrolled run = Unroller.unroll(g, cell, g.constant(xs), State.zeros(g, cell, 64));
    double mse = Losses.meanSquaredError(g, head.apply(g, run.last().h()), xs.sum(0, false).scale(0.3), LossOptions.mean())
        .value().item();
    assertTrue(mse < 0.05, "the README's training loop should learn the task, mse " + mse);
  }

  @Test
  void composeCustomCell() {
    Params params = Params.seeded("model", 1);
    Tensor batch = Tensors.uniform(new Well19937c(2), Shape.of(6, 3, 1), -1, 1);
    // snippet: compose
    SequenceLayer net = new Stacked(List.of(
        new Bidirectional(new LeakyCell(params.child("l0f"), 1, 8), new LeakyCell(params.child("l0b"), 1, 8),
            Bidirectional.Merge.CONCAT),
        new Unidirectional(new LeakyCell(params.child("l1"), 16, 8))));
    Graph g = new Graph();
    SequenceLayer.Output out = net.run(g, g.constant("x", batch), Lengths.of(6, 4, 2), null);  // padded steps are masked
    Node outputs = out.outputs();                  // [T×B×8], zeros at padded steps
    Node lastValid = out.finalStates().get(2).h(); // the top layer's state at each sequence's last valid step
    // end snippet
    assertEquals(Shape.of(6, 3, 8), outputs.shape());
    assertEquals(Shape.of(3, 8), lastValid.shape());
  }

  @Test
  void dumpAGraph(@TempDir Path dir) throws IOException {
    Params params = Params.seeded("model", 3);
    LeakyCell cell = new LeakyCell(params.child("leaky"), 1, 4);
    Tensor xs = Tensors.uniform(new Well19937c(4), Shape.of(5, 2, 1), -1, 1);
    // snippet: dump
    Graph g = new Graph();
    Unrolled run = Unroller.unroll(g, cell, g.constant("x", xs), State.zeros(g, cell, 2));
    Node loss = run.last().h().square().mean().named("loss");

    // How strongly does the loss reach back to each step? (runs backward, keeping every gradient)
    GradientFlow flow = GradientFlow.measure(g, loss, FlowOptions.defaults().withGates("leak_gate"));
    System.out.println(flow.toText());

    GraphDump dump = GraphDump.of(g);
    System.out.println(dump.options(DumpOptions.defaults().withScopePrefix("t=4")).text());  // one step, values and gradients
    dump.options(DumpOptions.defaults().folded()).writeDot(dir.resolve("cell.dot"));        // the cell, with h(t−1) edges
    dump.writeJson(dir.resolve("graph.json"));
    // end snippet
    assertTrue(Files.readString(dir.resolve("cell.dot")).contains("digraph"));
    assertTrue(flow.series().size() >= 2);

    // snippet: anomaly
    Graph watched = new Graph();
    watched.setAnomalyDetection(true);  // stop at the first NaN or Inf, forward or backward
    Node x = watched.variable("x", Tensors.vector(1, 800));
    AnomalyException e = assertThrows(AnomalyException.class, () -> x.exp().named("blows_up"));
    System.out.println(e.getMessage());  // names the op, the node's path, its shape and its inputs
    // end snippet
    assertTrue(e.getMessage().contains("exp"), e.getMessage());
  }

  @Test
  void profileAGraph() {
    Params params = Params.seeded("model", 5);
    LeakyCell cell = new LeakyCell(params.child("leaky"), 1, 4);
    Tensor xs = Tensors.uniform(new Well19937c(6), Shape.of(5, 2, 1), -1, 1);
    // snippet: profile
    OpProfile profile = OpProfile.byScope();  // or byOp(): one row per op name
    for (int step = 0; step < 10; step++) {
      Graph g = new Graph();
      g.setNodeTimer(profile);
      Node loss = Unroller.unroll(g, cell, g.constant("x", xs), State.zeros(g, cell, 2)).last().h().square().mean();
      g.backward(loss);
    }
    System.out.print(profile.table(10));  // ms per step: forward, backward, gradient sums; heaviest first
    // end snippet
    String table = profile.table(10);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("t=*/matmul")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("total")), table);
  }

  /** Every snippet region of this file appears in README.md after its marker, and every marker has a region. */
  @Test
  void readmeShowsExactlyThisCode() throws IOException {
    Path root = Path.of(System.getProperty("unfold.root.dir", ".."));
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(root.resolve("examples/src/test/java/dev/unfold/examples/ReadmeSnippetsTest.java"));
    Map<String, String> code = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^[ \\t]*// snippet: ([\\w-]+)\\n(.*?)^[ \\t]*// end snippet", Pattern.DOTALL).matcher(source);
    while (m.find()) {
      code.put(m.group(1), normalise(m.group(2)));
    }
    Map<String, String> shown = new LinkedHashMap<>();
    Matcher r = Pattern.compile("<!-- snippet: ([\\w-]+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (r.find()) {
      shown.put(r.group(1), normalise(r.group(2)));
    }
    assertEquals(code.keySet(), shown.keySet(), "snippet names in the test and in README.md");
    code.forEach((name, text) -> assertEquals(text, shown.get(name), "README snippet '" + name + "' differs from the tested code"));
  }

  /** Removes the common indentation and trailing blanks. */
  static String normalise(String block) {
    List<String> lines = new ArrayList<>(List.of(block.split("\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
