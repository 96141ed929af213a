package dev.unfold.bench;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.random.Well19937c;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of a GRU or LSTM cell, forward and backward, for batch 32 and input size = hidden
 * size: a new graph, {@code cell.step}, backward from the sum of the new hidden state into the
 * cell's parameters, gradients cleared.
 *
 * <p>{@code baseline} is the arithmetic floor of the same step: only the two fused gate
 * products {@code x·W} and {@code h·U} on bare tensors, no graph, no element-wise work.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl bench -am && java -jar bench/target/benchmarks.jar CellStepBench}
 */
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch",
    "-XX:MaxNodeLimit=240000", "-XX:NodeLimitFudgeFactor=8000", "-XX:LiveNodeCountInliningCutoff=100000"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class CellStepBench {
  private static final int BATCH = 32;

  @Param({"gru", "lstm"})
  public String cell;

  @Param({"64", "256", "1024"})
  public int hidden;

  private RecurrentCell rnn;
  private Params params;
  private Tensor x;
  private List<Tensor> state;
  private Tensor w;
  private Tensor u;

  @Setup(Level.Trial)
  public void setUp() {
    params = Params.seeded("", 1);
    rnn = cell.equals("gru") ? new GruCell(params.child("gru"), hidden, hidden)
        : new LstmCell(params.child("lstm"), hidden, hidden);
    Well19937c rng = new Well19937c(2);
    x = Tensors.normal(rng, Shape.of(BATCH, hidden), 0, 1);
    state = new ArrayList<>();
    for (int size : rnn.stateSizes()) {
      state.add(Tensors.normal(rng, Shape.of(BATCH, size), 0, 0.5));
    }
    w = params.all().get(0).value();
    u = params.all().get(1).value();
  }

  /** Forward and backward of one step; returns the new hidden state. */
  @Benchmark
  public Node step() {
    Graph g = new Graph();
    State next = rnn.step(g, g.constant("x", x), State.constants(g, state));
    g.backward(next.h().sum());
    params.zeroGrads();
    return next.h();
  }

  /** The two gate products alone, on tensors. */
  @Benchmark
  public Tensor baseline() {
    return x.matmul(w).add(state.get(0).matmul(u));
  }
}
