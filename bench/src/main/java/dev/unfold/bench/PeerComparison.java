package dev.unfold.bench;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.kernel.Kernels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.random.Well19937c;

/**
 * Unfold's training step and PyTorch's (or one matrix product, Unfold's kernels against
 * {@code torch.mm}), taking turns on the machine: the ratio of the two from the same minutes. On a
 * shared machine whose speed changes by up to 2× from minute to minute, two
 * suites run one after the other can disagree on a ratio by more than the gap being measured; here
 * each round times a window of Unfold's steps and a window of PyTorch's (the order alternating),
 * and the rounds' ratios are summarised by their median and quartiles.
 *
 * <p>PyTorch runs in {@code bench/peers/torch_step_server.py} (the model and step of
 * {@code shared/bench/torch_rnn_bench.py}), started as a subprocess with this process's
 * environment, so set {@code OPENBLAS_CORETYPE} as for that script. Run from the repository root,
 * with the JVM flags of the launcher and the JMH forks:
 * <pre>
 * OPENBLAS_CORETYPE=Zen java --add-modules jdk.incubator.vector -Xms3g -Xmx3g -XX:+AlwaysPreTouch \
 *     -XX:MaxNodeLimit=240000 -XX:NodeLimitFudgeFactor=8000 -XX:LiveNodeCountInliningCutoff=100000 \
 *     -cp bench/target/benchmarks.jar dev.unfold.bench.PeerComparison rnn std float32 [WARMUP_S] [WINDOW_MS] [ROUNDS]
 * ... dev.unfold.bench.PeerComparison matmul float32 256 1600 1024 true false [WARMUP_S] [WINDOW_MS] [ROUNDS]
 * </pre>
 * A product is {@code MatMulBench}'s: {@code MatMul.multiply} of op(A) [N×K] and op(B) [K×M] on raw arrays,
 * a transposed operand stored transposed. Both sides use as many threads as Unfold's kernels
 * ({@code --threads} to the server). The ratio is Unfold's time over PyTorch's, per call; each side's
 * time is the median of a window's calls, so the per-call timing (tens of nanoseconds in Java, about
 * a microsecond in Python) matters only for products under about 100 µs.
 * System properties: {@code peer.python} (default {@code /usr/bin/python3}), {@code peer.server}
 * (default {@code bench/peers/torch_step_server.py}), {@code peer.impl} ({@code fused} or
 * {@code unrolled}).
 */
public final class PeerComparison {
  private PeerComparison() {}

  /** What Unfold times: one training step or one product. */
  @FunctionalInterface
  private interface Timed {
    void run();
  }

  /**
   * One side of the comparison: Unfold's call, and the server's cell, config and dtype for the same
   * work; {@code flops} per call for a product, 0 for a step.
   */
  private record Subject(Timed unfold, String what, String peerConfig, String dtype, double flops) {
    /** {@code matmul DTYPE N K M TRANS_A TRANS_B}: {@code MatMulBench}'s product. */
    static Subject product(String[] args) {
      String dtype = args[1];
      int n = Integer.parseInt(args[2]);
      int k = Integer.parseInt(args[3]);
      int m = Integer.parseInt(args[4]);
      boolean transA = parseFlag(args[5], "TRANS_A");
      boolean transB = parseFlag(args[6], "TRANS_B");
      if (n < 1 || k < 1 || m < 1) {
        throw new IllegalArgumentException("N, K and M must be positive, got " + n + ", " + k + ", " + m);
      }
      MatMulBench.Product product = new MatMulBench.Product(dtype, n, k, m, transA, transB, new Well19937c(1));
      String config = n + "," + k + "," + m + "," + (transA ? 1 : 0) + "," + (transB ? 1 : 0);
      return new Subject(product::run, "matmul", config, dtype, 2.0 * n * k * m);
    }

    /** {@code CELL CONFIG DTYPE}: {@link TrainingTask}'s step. */
    static Subject step(String[] args) {
      TrainingTask task = new TrainingTask(args[0], TrainingTask.Config.valueOf(args[1].toUpperCase(Locale.ROOT)),
          DType.valueOf(args[2].toUpperCase(Locale.ROOT)), 0);
      return new Subject(task::step, args[0], args[1], args[2], 0);
    }
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    boolean matmul = args.length > 0 && args[0].equals("matmul");
    int fixed = matmul ? 7 : 3;
    if (args.length < fixed || args.length > fixed + 3) {
      System.err.println("usage: PeerComparison rnn|gru|lstm std|small|mid float32|float64 [WARMUP_S=15] [WINDOW_MS=2000] [ROUNDS=10]\n"
          + "       PeerComparison matmul float32|float64 N K M TRANS_A TRANS_B [WARMUP_S=5] [WINDOW_MS=1000] [ROUNDS=10]");
      System.exit(2);
    }
    double warmSeconds = args.length > fixed ? Double.parseDouble(args[fixed]) : matmul ? 5 : 15;
    long windowMs = args.length > fixed + 1 ? Long.parseLong(args[fixed + 1]) : matmul ? 1000 : 2000;
    int rounds = args.length > fixed + 2 ? Integer.parseInt(args[fixed + 2]) : 10;
    if (warmSeconds < 0 || windowMs < 1 || rounds < 1) {
      throw new IllegalArgumentException("warm-up seconds must be ≥ 0, the window and the rounds ≥ 1");
    }
    Subject subject = matmul ? Subject.product(args) : Subject.step(args);
    Timed unfoldSide = subject.unfold();
    double flops = subject.flops();

    List<String> command = List.of(System.getProperty("peer.python", "/usr/bin/python3"),
        System.getProperty("peer.server", "bench/peers/torch_step_server.py"), subject.what(), subject.peerConfig(),
        subject.dtype(),
        "--impl", System.getProperty("peer.impl", "fused"), "--warmup-seconds", String.valueOf(warmSeconds),
        "--threads", String.valueOf(Kernels.threads()));
    Process torch = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(torch.getInputStream(), StandardCharsets.UTF_8));
         Writer out = new OutputStreamWriter(torch.getOutputStream(), StandardCharsets.UTF_8)) {
      // NOTE: PyTorch warms up first, alone; then Unfold, while PyTorch waits on its input.
      expect(in, "ready", command);
      long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
      int warmCalls = 0;
      while (System.nanoTime() < warmEnd) {
        unfoldSide.run();
        warmCalls++;
      }
      System.out.printf(Locale.ROOT, "%s %s %s, PyTorch %s; Unfold warmed up for %d %s; kernels: %s%n", subject.what(),
          subject.peerConfig(), subject.dtype(), matmul ? "torch.mm" : System.getProperty("peer.impl", "fused"), warmCalls,
          matmul ? "products" : "steps", Kernels.describe());
      double[] unfold = new double[rounds];
      double[] peer = new double[rounds];
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        if ((r & 1) == 0) {
          unfold[r] = unfoldWindow(unfoldSide, windowMs);
          peer[r] = peerWindow(in, out, windowMs, command);
        } else {
          peer[r] = peerWindow(in, out, windowMs, command);
          unfold[r] = unfoldWindow(unfoldSide, windowMs);
        }
        ratio[r] = unfold[r] / peer[r];
        System.out.printf(Locale.ROOT, "round %2d: Unfold %s  PyTorch %s  ratio %.3f%n", r, time(unfold[r], flops),
            time(peer[r], flops), ratio[r]);
      }
      out.write("quit\n");
      out.flush();
      System.out.printf(Locale.ROOT, "median: Unfold %s, PyTorch %s; Unfold ÷ PyTorch per round: "
          + "median %.3f (quartiles %.3f, %.3f; range %.3f–%.3f)%n", time(median(unfold), flops),
          time(median(peer), flops), median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75), quantile(ratio, 0),
          quantile(ratio, 1));
      if (matmul) {
        // NOTE: the matmul target is a share of OpenBLAS's GFLOP/s, the inverse of the time ratio.
        System.out.printf(Locale.ROOT, "Unfold's GFLOP/s as a share of PyTorch's: median %.3f (quartiles %.3f, %.3f)%n",
            1 / median(ratio), 1 / quantile(ratio, 0.75), 1 / quantile(ratio, 0.25));
      }
    } finally {
      if (!torch.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        torch.destroyForcibly();
      }
    }
  }

  private static boolean parseFlag(String s, String name) {
    return switch (s) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got " + s);
    };
  }

  /** A median call time, with the rate for a product ({@code flops} &gt; 0). */
  private static String time(double ms, double flops) {
    return flops > 0 ? String.format(Locale.ROOT, "%9.4f ms (%6.1f GFLOP/s)", ms, flops / ms / 1e6)
        : String.format(Locale.ROOT, "%8.3f ms", ms);
  }

  /** The median time of Unfold's calls over a window of at least {@code windowMs}. */
  private static double unfoldWindow(Timed unfoldSide, long windowMs) {
    List<Double> times = new ArrayList<>();
    long start = System.nanoTime();
    while (System.nanoTime() - start < windowMs * 1_000_000L) {
      long t0 = System.nanoTime();
      unfoldSide.run();
      times.add((System.nanoTime() - t0) / 1e6);
    }
    return median(times.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Asks the server for a window and returns its median step time. */
  private static double peerWindow(BufferedReader in, Writer out, long windowMs, List<String> command)
      throws IOException {
    out.write("run " + windowMs + "\n");
    out.flush();
    String line = expect(in, "steps ", command);
    String[] words = line.trim().split("\\s+");
    if (words.length != 4 || !words[2].equals("median_ms")) {
      throw new IOException("unexpected answer from " + command + ": " + line);
    }
    return Double.parseDouble(words[3]);
  }

  /** The next line, which must start with {@code prefix}. */
  private static String expect(BufferedReader in, String prefix, List<String> command) throws IOException {
    String line = in.readLine();
    if (line == null || !line.startsWith(prefix)) {
      throw new IOException("expected '" + prefix.trim() + "' from " + command + ", got "
          + (line == null ? "the end of its output (see its errors above)" : "'" + line + "'"));
    }
    return line;
  }

  private static double median(double[] x) {
    return quantile(x, 0.5);
  }

  /** The {@code q}-quantile by the nearest rank of the sorted values. */
  private static double quantile(double[] x, double q) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[(int) Math.round(q * (s.length - 1))];
  }
}
