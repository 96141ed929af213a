package dev.unfold.bench;

import dev.unfold.tensor.kernel.MatMul;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.random.RandomGenerator;
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
 * The matrix-product kernel {@code MatMul.multiply} on raw arrays, in products per second;
 * GFLOP/s is {@code score · 2·n·k·m / 1e9}. {@code dtype} = {@code float64} ({@code double[]})
 * or {@code float32} ({@code float[]}). Both precisions write into an output array allocated
 * once, so the score is the kernel alone, without the allocation and zeroing of a new tensor
 * that {@code Tensor.matmul} adds (about 3% at n = 1024, 17% at n = 64, measured before).
 *
 * <ul>
 *   <li>{@code square}: [n×n]·[n×n] for n = 64, 256, 1024 (2n³ flop each).
 *   <li>{@code rnn}: the shapes of a recurrent layer with batch 32, input + hidden 320 and four
 *       gates of 256: {@code forward} [32×320]·[320×1024]; its backward {@code gradInput}
 *       [32×1024]·[320×1024]ᵀ and {@code gradWeight} [32×320]ᵀ·[32×1024] (2·32·320·1024 flop each).
 * </ul>
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl bench -am && java -jar bench/target/benchmarks.jar MatMulBench}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch",
    "-XX:MaxNodeLimit=240000", "-XX:NodeLimitFudgeFactor=8000", "-XX:LiveNodeCountInliningCutoff=100000"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class MatMulBench {

  /** Two random square operands. */
  @State(Scope.Benchmark)
  public static class Square {
    @Param({"64", "256", "1024"})
    public int n;

    @Param({"float64", "float32"})
    public String dtype;

    Product product;

    @Setup(Level.Trial)
    public void setUp() {
      product = new Product(dtype, n, n, n, false, false, new Well19937c(n));
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

    @Param({"float64", "float32"})
    public String dtype;

    Product run;

    @Setup(Level.Trial)
    public void setUp() {
      Well19937c rng = new Well19937c(3);
      run = switch (product) {
        case "forward" -> new Product(dtype, BATCH, IN, OUT, false, false, rng);      // x·W
        case "gradInput" -> new Product(dtype, BATCH, OUT, IN, false, true, rng);     // dz·Wᵀ
        case "gradWeight" -> new Product(dtype, IN, BATCH, OUT, true, false, rng);    // xᵀ·dz
        default -> throw new IllegalArgumentException(product);
      };
    }
  }

  /** One product {@code C = op(A)·op(B)} of normal operands in one precision, C allocated once. */
  static final class Product {
    private final int n;
    private final int k;
    private final int m;
    private final boolean transA;
    private final boolean transB;
    private final double[][] f64;  // a, b, c when float64
    private final float[][] f32;   // a, b, c when float32

    Product(String dtype, int n, int k, int m, boolean transA, boolean transB, RandomGenerator rng) {
      this.n = n;
      this.k = k;
      this.m = m;
      this.transA = transA;
      this.transB = transB;
      double[][] values = {normal(rng, n * k), normal(rng, k * m), new double[n * m]};
      switch (dtype) {
        case "float64" -> {
          f64 = values;
          f32 = null;
        }
        case "float32" -> {
          f64 = null;
          f32 = new float[][] {toFloat(values[0]), toFloat(values[1]), toFloat(values[2])};
        }
        default -> throw new IllegalArgumentException("dtype must be float64 or float32, got " + dtype);
      }
    }

    Object run() {
      if (f64 != null) {
        MatMul.multiply(1, n, k, m, f64[0], 0, transA, f64[1], 0, transB, f64[2]);
        return f64[2];
      }
      MatMul.multiply(1, n, k, m, f32[0], 0, transA, f32[1], 0, transB, f32[2]);
      return f32[2];
    }

    private static double[] normal(RandomGenerator rng, int size) {
      double[] x = new double[size];
      for (int i = 0; i < size; i++) {
        x[i] = rng.nextGaussian();
      }
      return x;
    }

    private static float[] toFloat(double[] x) {
      float[] y = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = (float) x[i];
      }
      return y;
    }
  }

  @Benchmark
  public Object square(Square s) {
    return s.product.run();
  }

  @Benchmark
  public Object rnn(Rnn s) {
    return s.run.run();
  }
}
