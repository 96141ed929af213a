package dev.unfold.tensor.kernel;

/**
 * Reductions. Axis reductions view the input as {@code [outer × n × inner]} and reduce the
 * middle axis. Sums run in a fixed order, so results are reproducible bit for bit. Internal.
 */
public final class Reduce {
  private Reduce() {}

  public static double sum(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s;
  }

  /** {@code out[o, i] = Σ_j x[o, j, i]}; {@code out} has {@code outer·inner} elements. */
  public static void sumAxis(double[] x, int outer, int n, int inner, double[] out) {
    if (inner == 1) {
      // The last axis (a loss's sum over classes): one running sum per row, in the same order.
      for (int o = 0; o < outer; o++) {
        int row = o * n;
        double s = out[o];
        for (int j = 0; j < n; j++) {
          s += x[row + j];
        }
        out[o] = s;
      }
      return;
    }
    for (int o = 0; o < outer; o++) {
      int base = o * n * inner;
      int ob = o * inner;
      for (int j = 0; j < n; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          out[ob + i] += x[row + i];
        }
      }
    }
  }

  /** {@code out[o, i] = max_j x[o, j, i]}; requires {@code n > 0}. */
  public static void maxAxis(double[] x, int outer, int n, int inner, double[] out) {
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          m = Math.max(m, x[(o * n + j) * inner + i]);
        }
        out[o * inner + i] = m;
      }
    }
  }

  /**
   * Sums {@code x} of shape {@code xDims} down to {@code targetDims}, a shape that broadcasts to
   * {@code xDims}: the adjoint of broadcasting. {@code out} must start zeroed.
   */
  public static void sumTo(double[] x, int[] xDims, int[] targetDims, double[] out) {
    int[] st = Odometer.alignedStrides(targetDims, xDims);
    int lt = Odometer.lastStride(st);
    Odometer.walk(xDims, new int[][] {st}, (o, offs, n) -> {
      int t = offs[0];
      if (lt == 0) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += x[o + i];
        }
        out[t] += s;
      } else {
        for (int i = 0; i < n; i++) {
          out[t + i] += x[o + i];
        }
      }
    });
  }
}
