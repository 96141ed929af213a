package dev.unfold.bench;

import dev.unfold.dump.OpProfile;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.kernel.Kernels;
import java.util.Locale;

/**
 * Where one training step of {@link TrainingStepBench} spends its time, per op: warms the JIT up
 * for a number of seconds, then profiles a number of steps with an {@link OpProfile} and prints
 * the table per step, with the step's wall time and the part spent outside the graph's nodes
 * (building the graph, the SGD update).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * dev.unfold.bench.StepProfile rnn std float32 [warm-up seconds = 10] [steps = 50] [op|scope]}
 */
public final class StepProfile {
  private StepProfile() {}

  public static void main(String[] args) {
    if (args.length < 3 || args.length > 6) {
      System.err.println("usage: StepProfile rnn|gru|lstm std|small|mid float32|float64 [warm-up seconds] [steps] [op|scope]");
      System.exit(2);
    }
    TrainingTask task = new TrainingTask(args[0], TrainingTask.Config.valueOf(args[1].toUpperCase(Locale.ROOT)),
        DType.valueOf(args[2].toUpperCase(Locale.ROOT)), 0);
    double warmSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
    int steps = args.length > 4 ? Integer.parseInt(args[4]) : 50;
    boolean byScope = args.length > 5 && args[5].equals("scope");
    if (steps < 1 || warmSeconds < 0) {
      throw new IllegalArgumentException("steps must be ≥ 1 and warm-up seconds ≥ 0");
    }
    long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
    int warmSteps = 0;
    while (System.nanoTime() < warmEnd) {
      task.step();
      warmSteps++;
    }
    // The untimed steps' median, for how much the profile's clock reads add.
    long[] plain = new long[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      task.step();
      plain[i] = System.nanoTime() - t0;
    }
    OpProfile profile = byScope ? OpProfile.byScope() : OpProfile.byOp();
    long[] timed = new long[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      task.step(profile);
      timed[i] = System.nanoTime() - t0;
    }
    long wall = 0;
    for (long t : timed) {
      wall += t;
    }
    System.out.printf(Locale.ROOT, "%s %s %s: %d warm-up steps in %.0f s, then %d steps; kernels: %s%n", args[0],
        args[1], args[2], warmSteps, warmSeconds, steps, Kernels.describe());
    System.out.printf(Locale.ROOT, "median step: %.3f ms untimed, %.3f ms profiled%n", median(plain) / 1e6,
        median(timed) / 1e6);
    System.out.printf(Locale.ROOT, "mean profiled step %.3f ms: %.3f ms in the nodes below, %.3f ms outside them "
        + "(building the graph, the SGD update)%n%n", wall / 1e6 / steps, profile.totalNanos() / 1e6 / steps,
        (wall - profile.totalNanos()) / 1e6 / steps);
    System.out.print(profile.table(steps));
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }
}
