package dev.unfold.tensor.kernel;

/**
 * Log-softmax along the middle axis of {@code [outer × n × inner]}, and its vector-Jacobian
 * product. Internal.
 */
public final class Softmax {
  private Softmax() {}

  /**
   * {@code out = x − max − log Σ exp(x − max)}.
   *
   * <p>NOTE: subtracting the max first keeps exp from overflowing, so inputs of magnitude 1e3
   * give exact results instead of Inf − Inf = NaN.
   */
  public static void logSoftmax(double[] x, int outer, int n, int inner, double[] out) {
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * n * inner + i;
        int argmax = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          double v = x[base + j * inner];
          if (j == 0 || v > max) {
            max = v;
            argmax = j;
          }
        }
        // NOTE: the max's own term is exactly 1, so log Σ = log1p(Σ of the others): more
        // accurate than log(1 + rest) when the others are small.
        double rest = 0;
        for (int j = 0; j < n; j++) {
          if (j != argmax) {
            rest += Math.exp(x[base + j * inner] - max);
          }
        }
        // Subtract the max before the log term: (x − max) is exact for nearby values, whereas
        // x − (max + lse) would round lse to the ulp of max.
        double lse = Math.log1p(rest);
        for (int j = 0; j < n; j++) {
          out[base + j * inner] = (x[base + j * inner] - max) - lse;
        }
      }
    }
  }

  /** VJP of log-softmax with output {@code y}: {@code dx = dy − exp(y) · Σ dy}. */
  public static void logSoftmaxBackward(double[] dy, double[] y, int outer, int n, int inner, double[] dx) {
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * n * inner + i;
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += dy[base + j * inner];
        }
        for (int j = 0; j < n; j++) {
          int idx = base + j * inner;
          dx[idx] = dy[idx] - Math.exp(y[idx]) * s;
        }
      }
    }
  }
}
