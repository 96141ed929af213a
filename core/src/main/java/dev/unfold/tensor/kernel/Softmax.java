package dev.unfold.tensor.kernel;

/**
 * Log-softmax along the middle axis of {@code [outer × n × inner]}, and its vector-Jacobian
 * product, in float64 and float32. Internal.
 *
 * <p>Each line along the axis is copied into a per-thread float64 row, computed there, and written
 * back (rounded once for float32, so a float32 result is the float64 result on the same inputs,
 * with no widened copy of the whole tensor). Exponentials use
 * {@link Transcendental#expNonPositive} (every argument is at most 0: {@code x − max} forward, a
 * log-probability backward; on the SIMD path lane by lane, with the same bits). Lines are
 * independent, so large inputs (an output layer over every step of a sequence, [T·B × classes])
 * are split over threads by lines; every line is computed the same way on any thread.
 *
 * <p>Softmax cross-entropy against class indices ({@link #crossEntropy}) is the fused loss: in
 * float64 the log-softmax's element for the target, bit for bit; in float32 computed in float
 * (the exponentials on 8 or 16 lanes, their sum in float64), about 1.7 times as fast as through
 * float64 lines ([1600 × 64] logits on 2 AVX2 cores: forward 500 → 280 µs, backward 690 → 330–430).
 */
public final class Softmax {
  private Softmax() {}

  /** Elements below which one thread does all the lines. */
  static final int PARALLEL_ELEMENTS = 1 << 15;

  /** Per-thread line buffers: the line, its exponentials, and a second input line. */
  private static final ThreadLocal<double[][]> ROWS = ThreadLocal.withInitial(() -> new double[3][0]);

  /** {@code out = x − max − log Σ exp(x − max)}. */
  public static void logSoftmax(double[] x, int outer, int n, int inner, double[] out) {
    forLines(outer, n, inner, (from, to) -> {
      double[][] w = rows(n);
      for (int line = from; line < to; line++) {
        int base = base(line, n, inner);
        for (int j = 0; j < n; j++) {
          w[0][j] = x[base + j * inner];
        }
        logSoftmaxLine(w[0], w[1], n);
        for (int j = 0; j < n; j++) {
          out[base + j * inner] = w[0][j];
        }
      }
    });
  }

  /** {@link #logSoftmax(double[], int, int, int, double[])} of float32 values, rounded once. */
  public static void logSoftmax(float[] x, int outer, int n, int inner, float[] out) {
    forLines(outer, n, inner, (from, to) -> {
      double[][] w = rows(n);
      for (int line = from; line < to; line++) {
        int base = base(line, n, inner);
        for (int j = 0; j < n; j++) {
          w[0][j] = x[base + j * inner];
        }
        logSoftmaxLine(w[0], w[1], n);
        for (int j = 0; j < n; j++) {
          out[base + j * inner] = (float) w[0][j];
        }
      }
    });
  }

  /** VJP of log-softmax with output {@code y}: {@code dx = dy − exp(y) · Σ dy}. */
  public static void logSoftmaxBackward(double[] dy, double[] y, int outer, int n, int inner, double[] dx) {
    forLines(outer, n, inner, (from, to) -> {
      double[][] w = rows(n);
      for (int line = from; line < to; line++) {
        int base = base(line, n, inner);
        for (int j = 0; j < n; j++) {
          w[0][j] = y[base + j * inner];
          w[2][j] = dy[base + j * inner];
        }
        logSoftmaxBackwardLine(w[2], w[0], w[1], n);
        for (int j = 0; j < n; j++) {
          dx[base + j * inner] = w[0][j];
        }
      }
    });
  }

  /** {@link #logSoftmaxBackward(double[], double[], int, int, int, double[])} of float32 values, rounded once. */
  public static void logSoftmaxBackward(float[] dy, float[] y, int outer, int n, int inner, float[] dx) {
    forLines(outer, n, inner, (from, to) -> {
      double[][] w = rows(n);
      for (int line = from; line < to; line++) {
        int base = base(line, n, inner);
        for (int j = 0; j < n; j++) {
          w[0][j] = y[base + j * inner];
          w[2][j] = dy[base + j * inner];
        }
        logSoftmaxBackwardLine(w[2], w[0], w[1], n);
        for (int j = 0; j < n; j++) {
          dx[base + j * inner] = (float) w[0][j];
        }
      }
    });
  }

  /**
   * Softmax cross-entropy of {@code lines} rows of {@code n} logits against one class index per
   * row: {@code out[l] = −logSoftmax(x[l])[targets[l]]}, that element computed as
   * {@link #logSoftmax(double[], int, int, int, double[])} computes it. Targets must be in
   * {@code [0, n)} (the caller checks).
   */
  public static void crossEntropy(double[] x, int lines, int n, int[] targets, double[] out) {
    forLines(lines, n, 1, (from, to) -> {
      double[][] w = rows(n);
      for (int line = from; line < to; line++) {
        System.arraycopy(x, line * n, w[0], 0, n);
        out[line] = nllLine(w[0], w[1], n, targets[line]);
      }
    });
  }

  /**
   * {@link #crossEntropy(double[], int, int, int[], double[])} of float32 logits, computed in float
   * (8 or 16 lanes) with the sum of exponentials in float64: within a few float ulps of the float64
   * result rounded, and the same bits on both kernel paths.
   */
  public static void crossEntropy(float[] x, int lines, int n, int[] targets, float[] out) {
    forLines(lines, n, 1, (from, to) -> {
      float[][] w = rowsF32(n);
      for (int line = from; line < to; line++) {
        double rest = shiftedExpRest(x, line * n, w[0], w[1], n);
        out[line] = (float) Math.log1p(rest) - w[0][targets[line]];
      }
    });
  }

  /** VJP of {@link #crossEntropy}: {@code dx[l, j] = dy[l]·(softmax(x[l])_j − [j = targets[l]])}. */
  public static void crossEntropyBackward(double[] dy, double[] x, int lines, int n, int[] targets, double[] dx) {
    forLines(lines, n, 1, (from, to) -> {
      double[][] w = rows(n);
      for (int line = from; line < to; line++) {
        System.arraycopy(x, line * n, w[0], 0, n);
        nllBackwardLine(dy[line], w[0], w[1], n, targets[line]);
        System.arraycopy(w[0], 0, dx, line * n, n);
      }
    });
  }

  /** {@link #crossEntropyBackward(double[], double[], int, int, int[], double[])} in float, as the float forward. */
  public static void crossEntropyBackward(float[] dy, float[] x, int lines, int n, int[] targets, float[] dx) {
    forLines(lines, n, 1, (from, to) -> {
      float[][] w = rowsF32(n);
      for (int line = from; line < to; line++) {
        float[] e = w[1];
        double sum = 1 + shiftedExpRest(x, line * n, w[0], e, n);
        float scale = (float) (dy[line] / sum);
        int base = line * n;
        for (int j = 0; j < n; j++) {
          dx[base + j] = e[j] * scale;
        }
        dx[base + targets[line]] -= dy[line];
      }
    });
  }

  /**
   * One float line {@code x[from, from + n)}: {@code row[j] = x[j] − max} and {@code e[j] =
   * exp(row[j])} (the max's own term exactly 1); returns the sum of the other terms, in float64,
   * whose {@code log1p} is the line's log-sum-exp after the shift (see {@link #shiftedLogSumExp}).
   */
  private static double shiftedExpRest(float[] x, int from, float[] row, float[] e, int n) {
    // NOTE: four independent chains for the max and the sum (not one, whose latency bound the
    // line), combined in a fixed order: scalar code, so the same bits on both kernel paths.
    float m0 = x[from];
    float m1 = m0;
    float m2 = m0;
    float m3 = m0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      m0 = Math.max(m0, x[from + j]);
      m1 = Math.max(m1, x[from + j + 1]);
      m2 = Math.max(m2, x[from + j + 2]);
      m3 = Math.max(m3, x[from + j + 3]);
    }
    for (; j < n; j++) {
      m0 = Math.max(m0, x[from + j]);
    }
    float max = Math.max(Math.max(m0, m1), Math.max(m2, m3));
    int argmax = 0;
    while (argmax < n - 1 && !(x[from + argmax] == max)) {
      argmax++;  // the first maximal element; with a NaN (max is then NaN), 0: every term is NaN anyway
    }
    for (j = 0; j < n; j++) {
      row[j] = x[from + j] - max;
    }
    if (Kernels.VECTOR) {
      VectorElementwise.expNonPositive(row, e, n);
    } else {
      for (j = 0; j < n; j++) {
        e[j] = Transcendental.expNonPositive(row[j]);
      }
    }
    e[argmax] = 0;
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (j = 0; j + 3 < n; j += 4) {
      s0 += e[j];
      s1 += e[j + 1];
      s2 += e[j + 2];
      s3 += e[j + 3];
    }
    for (; j < n; j++) {
      s0 += e[j];
    }
    e[argmax] = 1;
    return (s0 + s1) + (s2 + s3);
  }

  /** The negative log-probability of class {@code t} on one line of logits ({@code row} is overwritten). */
  private static double nllLine(double[] row, double[] e, int n, int t) {
    double lse = shiftedLogSumExp(row, e, n);
    return -(row[t] - lse);
  }

  /** One line of {@link #crossEntropyBackward}: {@code row} (the logits) becomes the gradient. */
  private static void nllBackwardLine(double dy, double[] row, double[] e, int n, int t) {
    shiftedLogSumExp(row, e, n);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += e[j];
    }
    double scale = dy / sum;
    for (int j = 0; j < n; j++) {
      row[j] = e[j] * scale;
    }
    row[t] -= dy;
  }

  /**
   * One line in place: {@code row} becomes its log-softmax; {@code e} is scratch.
   */
  private static void logSoftmaxLine(double[] row, double[] e, int n) {
    double lse = shiftedLogSumExp(row, e, n);
    for (int j = 0; j < n; j++) {
      row[j] -= lse;
    }
  }

  /**
   * Subtracts the line's max from {@code row} in place, sets {@code e[j] = exp(row[j])} (so the
   * max's own term is exactly 1) and returns {@code log Σ e}; {@code row[j] − result} is then the
   * log-softmax.
   *
   * <p>NOTE: subtracting the max first keeps exp from overflowing, so inputs of magnitude 1e3
   * give exact results instead of Inf − Inf = NaN. The caller subtracts the max before the log
   * term: (x − max) is exact for nearby values, whereas x − (max + lse) would round lse to the
   * ulp of max.
   */
  private static double shiftedLogSumExp(double[] row, double[] e, int n) {
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
    // NOTE: the max's own term is exactly 1, so log Σ = log1p(Σ of the others): more accurate
    // than log(1 + rest) when the others are small. Its term is set to +0 for the sum, which
    // leaves a sum from +0 of non-negative terms unchanged, so the loop has no branch.
    e[argmax] = 0;
    double rest = 0;
    for (int j = 0; j < n; j++) {
      rest += e[j];
    }
    e[argmax] = 1;
    return Math.log1p(rest);
  }

  /** One line: {@code y} (the forward's output) becomes {@code dx = dy − exp(y)·Σ dy}; {@code e} is scratch. */
  private static void logSoftmaxBackwardLine(double[] dy, double[] y, double[] e, int n) {
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += dy[j];
    }
    exp(y, e, n);
    for (int j = 0; j < n; j++) {
      y[j] = dy[j] - e[j] * s;
    }
  }

  /** Lines {@code [from, to)}, numbered {@code o·inner + i}, split over threads for large inputs. */
  private static void forLines(int outer, int n, int inner, Parallel.Band body) {
    Parallel.bands(outer * inner, (long) outer * inner * n, PARALLEL_ELEMENTS, body);
  }

  /** Index of element 0 of line {@code o·inner + i}. */
  private static int base(int line, int n, int inner) {
    return (line / inner) * n * inner + line % inner;
  }

  private static final ThreadLocal<float[][]> ROWS_F32 = ThreadLocal.withInitial(() -> new float[2][0]);

  private static float[][] rowsF32(int n) {
    float[][] w = ROWS_F32.get();
    if (w[0].length < n) {
      for (int k = 0; k < w.length; k++) {
        w[k] = new float[n];
      }
    }
    return w;
  }

  private static double[][] rows(int n) {
    double[][] w = ROWS.get();
    if (w[0].length < n) {
      for (int k = 0; k < w.length; k++) {
        w[k] = new double[n];
      }
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
