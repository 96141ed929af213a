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

/**
 * Unfold's training step and PyTorch's, taking turns on the machine: the ratio of the two from the
 * same minutes. On a shared machine whose speed changes by up to 2× from minute to minute, two
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
 * </pre>
 * System properties: {@code peer.python} (default {@code /usr/bin/python3}), {@code peer.server}
 * (default {@code bench/peers/torch_step_server.py}), {@code peer.impl} ({@code fused} or
 * {@code unrolled}).
 */
public final class PeerComparison {
  private PeerComparison() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 3 || args.length > 6) {
      System.err.println("usage: PeerComparison rnn|gru|lstm std|small float32|float64 [WARMUP_S=15] [WINDOW_MS=2000] [ROUNDS=10]");
      System.exit(2);
    }
    String cell = args[0];
    String config = args[1];
    String dtype = args[2];
    double warmSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 15;
    long windowMs = args.length > 4 ? Long.parseLong(args[4]) : 2000;
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 10;
    if (warmSeconds < 0 || windowMs < 1 || rounds < 1) {
      throw new IllegalArgumentException("warm-up seconds must be ≥ 0, the window and the rounds ≥ 1");
    }
    TrainingTask task = new TrainingTask(cell, TrainingTask.Config.valueOf(config.toUpperCase(Locale.ROOT)),
        DType.valueOf(dtype.toUpperCase(Locale.ROOT)), 0);

    List<String> command = List.of(System.getProperty("peer.python", "/usr/bin/python3"),
        System.getProperty("peer.server", "bench/peers/torch_step_server.py"), cell, config, dtype,
        "--impl", System.getProperty("peer.impl", "fused"), "--warmup-seconds", String.valueOf(warmSeconds));
    Process torch = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(torch.getInputStream(), StandardCharsets.UTF_8));
         Writer out = new OutputStreamWriter(torch.getOutputStream(), StandardCharsets.UTF_8)) {
      // NOTE: PyTorch warms up first, alone; then Unfold, while PyTorch waits on its input.
      expect(in, "ready", command);
      long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
      int warmSteps = 0;
      while (System.nanoTime() < warmEnd) {
        task.step();
        warmSteps++;
      }
      System.out.printf(Locale.ROOT, "%s %s %s, PyTorch %s; Unfold warmed up for %d steps; kernels: %s%n", cell,
          config, dtype, System.getProperty("peer.impl", "fused"), warmSteps, Kernels.describe());
      double[] unfold = new double[rounds];
      double[] peer = new double[rounds];
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        if ((r & 1) == 0) {
          unfold[r] = unfoldWindow(task, windowMs);
          peer[r] = peerWindow(in, out, windowMs, command);
        } else {
          peer[r] = peerWindow(in, out, windowMs, command);
          unfold[r] = unfoldWindow(task, windowMs);
        }
        ratio[r] = unfold[r] / peer[r];
        System.out.printf(Locale.ROOT, "round %2d: Unfold %8.3f ms  PyTorch %8.3f ms  ratio %.3f%n", r, unfold[r],
            peer[r], ratio[r]);
      }
      out.write("quit\n");
      out.flush();
      System.out.printf(Locale.ROOT, "median: Unfold %.3f ms, PyTorch %.3f ms; Unfold ÷ PyTorch per round: "
          + "median %.3f (quartiles %.3f, %.3f; range %.3f–%.3f)%n", median(unfold), median(peer), median(ratio),
          quantile(ratio, 0.25), quantile(ratio, 0.75), quantile(ratio, 0), quantile(ratio, 1));
    } finally {
      if (!torch.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        torch.destroyForcibly();
      }
    }
  }

  /** The median step time of Unfold's steps over a window of at least {@code windowMs}. */
  private static double unfoldWindow(TrainingTask task, long windowMs) {
    List<Double> times = new ArrayList<>();
    long start = System.nanoTime();
    while (System.nanoTime() - start < windowMs * 1_000_000L) {
      long t0 = System.nanoTime();
      task.step();
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
