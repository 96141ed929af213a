package dev.unfold.tensor.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The float32 loops of a training step's hot path: conversions, broadcast arithmetic, the
 * recurrent nonlinearities and their vector-Jacobian products, scaling, in-place sums and the
 * adjoint of broadcasting. Internal; the float64 loops are in {@link Elementwise} and
 * {@link Reduce}, and the broadcasting walk ({@link Odometer}) is shared.
 *
 * <p>Arithmetic is float arithmetic, as in any float32 framework, except where a float64
 * intermediate costs nothing and is more accurate: sums to a shape accumulate each row in
 * float64. tanh and σ are computed in float ({@link Transcendental}'s float formulas, 16 lanes
 * on the SIMD path, within 2 ulp), the same functions as in the fused recurrent kernels, so a
 * fused and an unfused float32 cell compute the same forward values.
 *
 * <p>NOTE: tanh and σ used to be float64's rounded once, through chunks widened to double:
 * the conversions are plain loops that JDK 17 does not vectorise, and they cost more than the
 * functions (tanh of 32×1024 floats, medians of two runs on a loaded machine: 72–95 µs that way,
 * 20–24 µs in float).
 */
public final class FloatKernels {
  private FloatKernels() {}

  /** {@code out[i] = x[i]} exactly. */
  public static void widen(float[] x, double[] out) {
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
  }

  /** {@code out[i] = x[i]} rounded to the nearest float. */
  public static void narrow(double[] x, float[] out) {
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
  }

  /** {@code out = a op b} with {@code a} and {@code b} broadcast to {@code outDims}. */
  public static void binary(Elementwise.Binary op, float[] a, int[] aDims, float[] b, int[] bDims, int[] outDims,
      float[] out) {
    if (a.length == out.length && b.length == out.length) {
      Parallel.bands(out.length, out.length, Elementwise.SIMPLE_PARALLEL,
          (from, to) -> contiguous(op, a, from, b, from, out, from, to - from));
      return;
    }
    int[] sa = Odometer.alignedStrides(aDims, outDims);
    int[] sb = Odometer.alignedStrides(bDims, outDims);
    int la = Odometer.lastStride(sa);
    int lb = Odometer.lastStride(sb);
    Odometer.walk(outDims, new int[][] {sa, sb}, (o, offs, n) -> {
      if (la == 1 && lb == 1) {
        contiguous(op, a, offs[0], b, offs[1], out, o, n);
      } else {
        strided(op, a, offs[0], la, b, offs[1], lb, out, o, n);
      }
    });
  }

  // NOTE: unit-stride rows (same shapes, and a bias row broadcast over a batch) get loops C2
  // vectorises; with the strides as variables it does not, and a std GRU step spent a tenth of
  // its time in the bias add.
  private static void contiguous(Elementwise.Binary op, float[] a, int ia, float[] b, int ib, float[] out, int o,
      int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i] + b[ib + i];
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i] - b[ib + i];
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i] * b[ib + i];
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i] / b[ib + i];
        }
      }
    }
  }

  private static void strided(Elementwise.Binary op, float[] a, int ia, int la, float[] b, int ib, int lb,
      float[] out, int o, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i * la] + b[ib + i * lb];
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i * la] - b[ib + i * lb];
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i * la] * b[ib + i * lb];
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = a[ia + i * la] / b[ib + i * lb];
        }
      }
    }
  }

  /**
   * {@code out[i] = tanh(x[i])}, within 1 ulp; the same bits on both kernel paths (a NaN as a NaN);
   * split over threads from {@link Elementwise#TRANSCENDENTAL_PARALLEL_F32} elements.
   */
  public static void tanh(float[] x, float[] out) {
    Parallel.bands(x.length, x.length, Elementwise.TRANSCENDENTAL_PARALLEL_F32,
        (from, to) -> tanh(x, from, out, from, to - from));
  }

  /** {@code out[i] = σ(x[i])}, within 2 ulp; the same bits on both kernel paths (a NaN as a NaN). */
  public static void sigmoid(float[] x, float[] out) {
    Parallel.bands(x.length, x.length, Elementwise.TRANSCENDENTAL_PARALLEL_F32,
        (from, to) -> sigmoid(x, from, out, from, to - from));
  }

  /** {@code out[to + k] = tanh(x[from + k])}, k &lt; n; {@code out} may be {@code x} with {@code to == from}. */
  static void tanh(float[] x, int from, float[] out, int to, int n) {
    if (Kernels.VECTOR) {
      VectorElementwise.tanh(x, from, out, to, n);
    } else {
      for (int k = 0; k < n; k++) {
        out[to + k] = Transcendental.tanh(x[from + k]);
      }
    }
  }

  /** {@code out[to + k] = σ(x[from + k])}, k &lt; n; in place as {@link #tanh(float[], int, float[], int, int)}. */
  static void sigmoid(float[] x, int from, float[] out, int to, int n) {
    if (Kernels.VECTOR) {
      VectorElementwise.sigmoid(x, from, out, to, n);
    } else {
      for (int k = 0; k < n; k++) {
        out[to + k] = Transcendental.sigmoid(x[from + k]);
      }
    }
  }

  /** For {@code y = tanh(x)}: {@code out = dy ⊙ (1 − y²)}. */
  public static void tanhVjp(float[] dy, float[] y, float[] out) {
    Parallel.bands(out.length, out.length, Elementwise.SIMPLE_PARALLEL, (from, to) -> {
      for (int i = from; i < to; i++) {
        out[i] = dy[i] * (1f - y[i] * y[i]);
      }
    });
  }

  /** For {@code y = σ(x)}: {@code out = dy ⊙ y ⊙ (1 − y)}. */
  public static void sigmoidVjp(float[] dy, float[] y, float[] out) {
    Parallel.bands(out.length, out.length, Elementwise.SIMPLE_PARALLEL, (from, to) -> {
      for (int i = from; i < to; i++) {
        out[i] = dy[i] * y[i] * (1f - y[i]);
      }
    });
  }

  /** {@code out[i] = x[i] * s}, with {@code s} rounded to float. */
  public static void scale(float[] x, double s, float[] out) {
    float f = (float) s;
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * f;
    }
  }

  /** {@code acc[i] += x[i]}: gradient accumulation into storage the caller owns. */
  public static void addInto(float[] acc, float[] x) {
    addInto(acc, x, 0);
  }

  /** {@code acc[i] += x[from + i]}, reading a range of {@code x}. */
  public static void addInto(float[] acc, float[] x, int from) {
    Parallel.bands(acc.length, acc.length, Elementwise.SIMPLE_PARALLEL, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        acc[i] += x[from + i];
      }
    });
  }

  /** {@code out[i] = f(x[i])}, computed in float64 and rounded. */
  public static void map(float[] x, DoubleUnaryOperator f, float[] out) {
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) f.applyAsDouble(x[i]);
    }
  }

  /** {@code out = f(a, b)} broadcast to {@code outDims}, computed in float64 and rounded. */
  public static void zip(float[] a, int[] aDims, float[] b, int[] bDims, int[] outDims, DoubleBinaryOperator f,
      float[] out) {
    int[] sa = Odometer.alignedStrides(aDims, outDims);
    int[] sb = Odometer.alignedStrides(bDims, outDims);
    int la = Odometer.lastStride(sa);
    int lb = Odometer.lastStride(sb);
    Odometer.walk(outDims, new int[][] {sa, sb}, (o, offs, n) -> {
      for (int i = 0; i < n; i++) {
        out[o + i] = (float) f.applyAsDouble(a[offs[0] + i * la], b[offs[1] + i * lb]);
      }
    });
  }

  /**
   * Sums {@code x} of shape {@code xDims} down to {@code targetDims} (the adjoint of
   * broadcasting); {@code out} must start zeroed. A row that collapses to one element is summed
   * in float64.
   */
  public static void sumTo(float[] x, int[] xDims, int[] targetDims, float[] out) {
    int[] st = Odometer.alignedStrides(targetDims, xDims);
    int lt = Odometer.lastStride(st);
    Odometer.walk(xDims, new int[][] {st}, (o, offs, n) -> {
      int t = offs[0];
      if (lt == 0) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += x[o + i];
        }
        out[t] += (float) s;
      } else {
        for (int i = 0; i < n; i++) {
          out[t + i] += x[o + i];
        }
      }
    });
  }

  /** Adds {@code part} ({@code [outer × pn × inner]}) into {@code out} ({@code [outer × n × inner]}) from index {@code start}. */
  public static void addPlace(float[] part, int outer, int pn, int inner, float[] out, int n, int start) {
    addPlace(part, 0, outer, pn, inner, out, n, start);
  }

  /** {@link #addPlace(float[], int, int, int, float[], int, int)} with {@code part} starting at {@code part[from]}. */
  public static void addPlace(float[] part, int from, int outer, int pn, int inner, float[] out, int n, int start) {
    Layout.placeRuns(from, outer, pn, inner, n, start, (src, dst, run) -> {
      for (int q = 0; q < run; q++) {
        out[dst + q] += part[src + q];
      }
    });
  }
}
