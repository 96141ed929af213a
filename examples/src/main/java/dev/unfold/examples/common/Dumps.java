package dev.unfold.examples.common;

import dev.unfold.dump.DumpOptions;
import dev.unfold.dump.FlowOptions;
import dev.unfold.dump.GradientFlow;
import dev.unfold.dump.GraphDump;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.io.AtomicFiles;
import dev.unfold.nn.diagnostics.GradientFlowPlot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --dump DIR} option: one training step's graph, after its backward pass, as text,
 * Graphviz DOT (unfolded and folded) and JSON, plus its gradient flow over time as a table,
 * CSV and log-scale PNG.
 */
public final class Dumps {
  private Dumps() {}

  /**
   * A graph to build the dumped step in: fused ops off ({@link Graph#setFusedOps}), so LSTM and
   * GRU steps show a node per gate and the gradient-flow report can follow the gates. Training
   * graphs keep the fused updates; both give the same values up to rounding.
   */
  public static Graph graph() {
    Graph g = new Graph();
    g.setFusedOps(false);
    return g;
  }

  /**
   * Writes the dumps of {@code g}, whose scalar {@code loss} has not been backpropagated yet.
   *
   * @param state the name of the hidden-state nodes ({@code h})
   * @param gates names of gate nodes to follow too (build {@code g} with {@link #graph()} so that they exist)
   */
  public static void write(Path dir, Graph g, Node loss, String state, PrintStream out, String... gates) throws IOException {
    Files.createDirectories(dir);
    GradientFlow flow = GradientFlow.measure(g, loss, FlowOptions.defaults().withState(state).withGates(gates)
        .withJacobianProbes(3, 1));
    GraphDump dump = GraphDump.of(g);
    dump.writeText(dir.resolve("graph.txt"));
    dump.options(DumpOptions.defaults().unfolded()).writeDot(dir.resolve("graph.dot"));
    dump.options(DumpOptions.defaults().folded()).writeDot(dir.resolve("graph-folded.dot"));
    dump.writeJson(dir.resolve("graph.json"));
    flow.writeCsv(dir.resolve("gradient-flow.csv"));
    AtomicFiles.writeText(dir.resolve("gradient-flow.txt"), w -> w.write(flow.toText()));
    GradientFlowPlot.writePng(flow, dir.resolve("gradient-flow.png"));
    out.println("graph dumps and gradient flow written to " + dir + " (render with: dot -Tsvg "
        + dir.resolve("graph-folded.dot") + " -o folded.svg)");
  }
}
