package dev.unfold.tensor.kernel;

/**
 * Log-softmax along the middle axis of {@code [outer × n × inner]}, and its vector-Jacobian
 * product. Internal.
 *
 * <p>Each line along the axis is copied into a per-thread row, its exponentials are computed
 * there with {@link Transcendental#expNonPositive} (all arguments are at most 0: {@code x − max}
 * forward, a log-probability backward; on the SIMD path lane by lane, with the same bits), and
 * the result is written back. Lines are independent, so large inputs (an output layer over every
 * step of a sequence, [T·B × classes]) are split over threads by lines; every line is computed
 * the same way on any thread.
 */
public final class Softmax {
  private Softmax() {}

  /** Elements below which one thread does all the lines. */
  static final int PARALLEL_ELEMENTS = 1 << 15;

  /** Per-thread line buffers: {@code [0]} the line, {@code [1]} its exponentials. */
  private static final ThreadLocal<double[][]> ROWS = ThreadLocal.withInitial(() -> new double[2][0]);

  /**
   * {@code out = x − max − log Σ exp(x − max)}.
   *
   * <p>NOTE: subtracting the max first keeps exp from overflowing, so inputs of magnitude 1e3
   * give exact results instead of Inf − Inf = NaN.
   */
  public static void logSoftmax(double[] x, int outer, int n, int inner, double[] out) {
    forLines(outer, n, inner, (from, to) -> {
      double[][] w = rows(n);
      double[] row = w[0];
      double[] e = w[1];
      for (int line = from; line < to; line++) {
        int base = (line / inner) * n * inner + line % inner;
        for (int j = 0; j < n; j++) {
          row[j] = x[base + j * inner];
        }
        int argmax = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          if (j == 0 || row[j] > max) {
            max = row[j];
            argmax = j;
          }
        }
        for (int j = 0; j < n; j++) {
          row[j] -= max;
        }
        exp(row, e, n);
        // NOTE: the max's own term is exactly 1, so log Σ = log1p(Σ of the others): more
        // accurate than log(1 + rest) when the others are small. Its term is set to +0, which
        // leaves a sum from +0 of non-negative terms unchanged, so the loop has no branch.
        e[argmax] = 0;
        double rest = 0;
        for (int j = 0; j < n; j++) {
          rest += e[j];
        }
        // Subtract the max before the log term: (x − max) is exact for nearby values, whereas
        // x − (max + lse) would round lse to the ulp of max.
        double lse = Math.log1p(rest);
        for (int j = 0; j < n; j++) {
          out[base + j * inner] = row[j] - lse;
        }
      }
    });
  }

  /** VJP of log-softmax with output {@code y}: {@code dx = dy − exp(y) · Σ dy}. */
  public static void logSoftmaxBackward(double[] dy, double[] y, int outer, int n, int inner, double[] dx) {
    forLines(outer, n, inner, (from, to) -> {
      double[][] w = rows(n);
      double[] row = w[0];
      double[] e = w[1];
      for (int line = from; line < to; line++) {
        int base = (line / inner) * n * inner + line % inner;
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += dy[base + j * inner];
          row[j] = y[base + j * inner];
        }
        exp(row, e, n);
        for (int j = 0; j < n; j++) {
          int idx = base + j * inner;
          dx[idx] = dy[idx] - e[j] * s;
        }
      }
    });
  }

  /** Lines {@code [from, to)}, numbered {@code o·inner + i}. */
  @FunctionalInterface
  private interface Lines {
    void run(int from, int to);
  }

  private static void forLines(int outer, int n, int inner, Lines body) {
    int lines = outer * inner;
    int parts = (long) lines * n < PARALLEL_ELEMENTS ? 1 : Math.min(Parallel.threads(), lines);
    Parallel.run(parts, part -> body.run((int) ((long) lines * part / parts), (int) ((long) lines * (part + 1) / parts)));
  }

  private static double[][] rows(int n) {
    double[][] w = ROWS.get();
    if (w[0].length < n) {
      w[0] = new double[n];
      w[1] = new double[n];
    }
    return w;
  }

  /** {@code e[j] = exp(x[j])} for {@code j < n} and {@code x[j] ≤ 0} (NaN stays NaN). */
  private static void exp(double[] x, double[] e, int n) {
    if (Kernels.VECTOR) {
      VectorElementwise.expNonPositive(x, e, n);
    } else {
      for (int j = 0; j < n; j++) {
        e[j] = Transcendental.expNonPositive(x[j]);
      }
    }
  }
}
