package dev.unfold.bench;

import dev.unfold.tensor.DType;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of a recurrent model, defined as in {@code shared/bench/torch_rnn_bench.py}
 * so the times sit beside PyTorch's: a new graph, the cell unrolled over the sequence, a linear
 * head on the stacked outputs, softmax cross-entropy averaged over every step, backward, and an
 * SGD update (lr 0.01) with the gradients cleared. {@code std}: batch 32, T 50, input 64, hidden
 * 256, 64 classes; {@code small}: batch 1, T 25, 65 one-hot inputs, hidden 100, 65 classes.
 *
 * <p>{@code baseline} is the same model's forward pass on an inference graph (nothing recorded),
 * so {@code step − baseline} is the cost of recording, backward and the update. {@code dtype} is
 * the graph's element type; parameters keep float64 master values in both.
 *
 * <p>The fork runs with a fixed, pre-touched 3 GB heap: a std step allocates about 450 MB and keeps
 * every forward value alive until backward, and with G1's default small, growing heap the
 * collector's copying and the paging-in of new heap dominated the time (see bench/README.md).
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl bench -am && java -jar bench/target/benchmarks.jar TrainingStepBench -prof gc}
 * (a {@code -jvmArgsAppend} on the command line replaces the fork's flags: repeat them in it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch",
    "-XX:MaxNodeLimit=240000", "-XX:NodeLimitFudgeFactor=8000", "-XX:LiveNodeCountInliningCutoff=100000"})
// NOTE: 6 warm-up iterations, not 3: a std step's JIT compilation settles after 6–8 s on the
// AVX-512 machine (session D's warm-up iterations: 408, 21, 12 ms per float32 RNN step, then 10),
// and later on the slower AVX2 one (session E2 with 4: 2792, 89, 44, 51, then 44, 34, 34 ms).
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 3, time = 2)
public class TrainingStepBench {
  @Param({"rnn", "gru", "lstm"})
  public String cell;

  @Param({"std", "small"})
  public String config;

  @Param({"float32", "float64"})
  public String dtype;

  private TrainingTask task;

  @Setup(Level.Trial)
  public void setUp() {
    task = new TrainingTask(cell, TrainingTask.Config.valueOf(config.toUpperCase(Locale.ROOT)),
        DType.valueOf(dtype.toUpperCase(Locale.ROOT)), 0);
  }

  /** Forward, backward and SGD update; returns the loss. */
  @Benchmark
  public double step() {
    return task.step();
  }

  /** The forward pass alone, nothing recorded (shorter runs, to keep the whole suite under 15 minutes). */
  @Benchmark
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 2)
  public double baseline() {
    return task.forward();
  }
}
