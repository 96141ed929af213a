package dev.unfold.bench;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of recording a graph node on a tiny tensor, per node: {@code baseline} does the same
 * tensor arithmetic with no graph, so {@code record − baseline} is the graph's own overhead.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl bench -am && java -jar bench/target/benchmarks.jar NodeOverheadBench}
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch",
    "-XX:MaxNodeLimit=240000", "-XX:NodeLimitFudgeFactor=8000", "-XX:LiveNodeCountInliningCutoff=100000"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class NodeOverheadBench {
  private static final int NODES = 1000;
  private Tensor one;
  private Tensor start;

  @Setup(Level.Trial)
  public void setUp() {
    one = Tensors.ones(4);
    start = Tensors.zeros(4);
  }

  /** The same 1000 additions on tensors, with no graph. */
  @Benchmark
  @OperationsPerInvocation(NODES)
  public Tensor baseline() {
    Tensor t = start;
    for (int i = 0; i < NODES; i++) {
      t = t.add(one);
    }
    return t;
  }

  /** 1000 additions recorded as nodes, each inside a time-step scope. */
  @Benchmark
  @OperationsPerInvocation(NODES)
  public Node record() {
    return chain(new Graph());
  }

  private Node chain(Graph g) {
    Node x = g.variable("x", start);
    Node c = g.constant(one);
    for (int i = 0; i < NODES; i++) {
      try (dev.unfold.graph.Scope s = g.timeStep(i)) {
        x = x.add(c);
      }
    }
    return x;
  }

  /** Recording plus the backward pass over the same 1000 nodes. */
  @Benchmark
  @OperationsPerInvocation(NODES)
  public Node recordAndBackward() {
    Graph g = new Graph();
    Node last = chain(g);
    g.backward(last.sum());
    return last;
  }
}
