package dev.unfold.bench;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matrix products through {@code Tensor.matmul}, in products per second; GFLOP/s is
 * {@code score · 2·n·k·m / 1e9}.
 *
 * <ul>
 *   <li>{@code square}: [n×n]·[n×n] for n = 64, 256, 1024 (2n³ flop each).
 *   <li>{@code rnn}: the shapes of a recurrent layer with batch 32, input + hidden 320 and four
 *       gates of 256: {@code forward} [32×320]·[320×1024]; its backward {@code gradInput}
 *       [32×1024]·[320×1024]ᵀ and {@code gradWeight} [32×320]ᵀ·[32×1024] (2·32·320·1024 flop each).
 *   <li>{@code baseline}: allocating the zeroed [n×n] output alone, a fixed cost of every product.
 * </ul>
 * {@code dtype} has only {@code float64}: float32 tensors are not implemented yet.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl bench -am && java -jar bench/target/benchmarks.jar MatMulBench}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MatMulBench {

  /** Two random square operands. */
  @State(Scope.Benchmark)
  public static class Square {
    @Param({"64", "256", "1024"})
    public int n;

    @Param({"float64"})
    public String dtype;

    Tensor a;
    Tensor b;

    @Setup(Level.Trial)
    public void setUp() {
      if (!dtype.equals("float64")) {
        throw new IllegalArgumentException("only float64 is implemented, got " + dtype);
      }
      Well19937c rng = new Well19937c(n);
      a = Tensors.normal(rng, Shape.of(n, n), 0, 1);
      b = Tensors.normal(rng, Shape.of(n, n), 0, 1);
    }
  }

  /** The operands of a recurrent layer's gate product and of its two gradients. */
  @State(Scope.Benchmark)
  public static class Rnn {
    static final int BATCH = 32;
    static final int IN = 320;
    static final int OUT = 1024;

    @Param({"forward", "gradInput", "gradWeight"})
    public String product;

    Tensor x;
    Tensor w;
    Tensor dz;

    @Setup(Level.Trial)
    public void setUp() {
      Well19937c rng = new Well19937c(3);
      x = Tensors.normal(rng, Shape.of(BATCH, IN), 0, 1);
      w = Tensors.normal(rng, Shape.of(IN, OUT), 0, 0.05);
      dz = Tensors.normal(rng, Shape.of(BATCH, OUT), 0, 1);
    }

    Tensor run() {
      return switch (product) {
        case "forward" -> x.matmul(w);
        case "gradInput" -> dz.matmul(w, false, true);
        case "gradWeight" -> x.matmul(dz, true, false);
        default -> throw new IllegalArgumentException(product);
      };
    }
  }

  @Benchmark
  public Tensor square(Square s) {
    return s.a.matmul(s.b);
  }

  @Benchmark
  public Tensor rnn(Rnn s) {
    return s.run();
  }

  @Benchmark
  public Tensor baseline(Square s) {
    return Tensors.zeros(s.n, s.n);
  }
}
