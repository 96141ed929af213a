package dev.unfold.tensor.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Element-wise maps, with NumPy broadcasting for two and three operands. Internal.
 *
 * <p>NOTE: the arithmetic operators and the recurrent nonlinearities have their own loops rather
 * than going through a {@code DoubleBinaryOperator}: a lambda called per element from a loop
 * shared by many operators is a megamorphic call that C2 can neither inline nor vectorize, and
 * it cost several nanoseconds per element on the cells' hot path.
 */
public final class Elementwise {
  private Elementwise() {}

  /**
   * Elements from which the one-pass loops (same-shape arithmetic, gradient sums, the activation
   * VJPs) are split over threads: an RNN step's [32×256] float64 sum took about 25 µs on one core
   * when its operand had left the caches, against about a microsecond for handing half to a
   * spinning worker. Each element is computed the same way on any thread. Std steps with these
   * loops split (session J, bench/README.md): float64 RNN 35.1 → 33.5 ms, GRU 91.4 → 85.2, LSTM
   * 128.8 → 121.2; float32 GRU 47.6 → 44.5, LSTM 60.0 → 59.0, RNN within the noise.
   */
  static final int SIMPLE_PARALLEL = 1 << 13;

  /** The arithmetic operators with specialised loops. */
  public enum Binary {
    ADD, SUB, MUL, DIV
  }

  /** {@code out = a op b} with {@code a} and {@code b} broadcast to {@code outDims}. */
  public static void binary(Binary op, double[] a, int[] aDims, double[] b, int[] bDims, int[] outDims, double[] out) {
    if (a.length == out.length && b.length == out.length) {
      Parallel.bands(out.length, out.length, SIMPLE_PARALLEL, (from, to) -> contiguous(op, a, from, b, from, out, from, to - from));
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

  private static void contiguous(Binary op, double[] a, int ia, double[] b, int ib, double[] out, int o, int n) {
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

  private static void strided(Binary op, double[] a, int ia, int la, double[] b, int ib, int lb, double[] out, int o,
      int n) {
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

  /** {@code out[i] = tanh(x[i])}, within about 2 ulp of {@link Math#tanh}; the same bits on both kernel paths. */
  public static void tanh(double[] x, double[] out) {
    tanh(x, x.length, out);
  }

  /**
   * Elements from which float64 tanh and σ of a whole array are split over threads: an RNN
   * step's [32×256] took 20–50 µs on one core (float32–float64, AVX2), against about a
   * microsecond for handing half to a spinning worker. Each element gets the same bits on any
   * thread. NOTE: 8192 until session N; a float64 element costs about 5 ns here, so 2048 of them
   * (the [16×128] of a batch-16 RNN step) are worth splitting too.
   */
  static final int TRANSCENDENTAL_PARALLEL = 1 << 11;
  /** {@link #TRANSCENDENTAL_PARALLEL} for float32 arrays ({@link FloatKernels}), twice as many lanes per vector. */
  static final int TRANSCENDENTAL_PARALLEL_F32 = 1 << 13;

  /** {@code out[i] = tanh(x[i])} for the first {@code n} elements. */
  public static void tanh(double[] x, int n, double[] out) {
    Parallel.bands(n, n, TRANSCENDENTAL_PARALLEL, (from, to) -> {
      if (Kernels.VECTOR) {
        VectorElementwise.tanh(x, from, out, from, to - from);
      } else {
        for (int i = from; i < to; i++) {
          out[i] = Transcendental.tanh(x[i]);
        }
      }
    });
  }

  /**
   * {@code out[i] = σ(x[i])}, computed as {@code 1/(1+e)} or {@code e/(1+e)} with {@code e = exp(−|x|)}
   * so that the exponential never overflows; the same bits on both kernel paths.
   */
  public static void sigmoid(double[] x, double[] out) {
    sigmoid(x, x.length, out);
  }

  /** {@code out[i] = σ(x[i])} for the first {@code n} elements, split over threads as {@link #tanh(double[], int, double[])}. */
  public static void sigmoid(double[] x, int n, double[] out) {
    Parallel.bands(n, n, TRANSCENDENTAL_PARALLEL, (from, to) -> {
      if (Kernels.VECTOR) {
        VectorElementwise.sigmoid(x, from, out, from, to - from);
      } else {
        for (int i = from; i < to; i++) {
          out[i] = Transcendental.sigmoid(x[i]);
        }
      }
    });
  }

  /** For {@code y = tanh(x)}: {@code out = dy ⊙ (1 − y²)}. */
  public static void tanhVjp(double[] dy, double[] y, double[] out) {
    Parallel.bands(out.length, out.length, SIMPLE_PARALLEL, (from, to) -> {
      for (int i = from; i < to; i++) {
        out[i] = dy[i] * (1.0 - y[i] * y[i]);
      }
    });
  }

  /** For {@code y = σ(x)}: {@code out = dy ⊙ y ⊙ (1 − y)}. */
  public static void sigmoidVjp(double[] dy, double[] y, double[] out) {
    Parallel.bands(out.length, out.length, SIMPLE_PARALLEL, (from, to) -> {
      for (int i = from; i < to; i++) {
        out[i] = dy[i] * y[i] * (1.0 - y[i]);
      }
    });
  }

  /** {@code acc[i] += x[i]}: gradient accumulation into storage the caller owns. */
  public static void addInto(double[] acc, double[] x) {
    addInto(acc, x, 0);
  }

  /** {@code acc[i] += x[from + i]}: as {@link #addInto(double[], double[])}, reading a range of {@code x}. */
  public static void addInto(double[] acc, double[] x, int from) {
    Parallel.bands(acc.length, acc.length, SIMPLE_PARALLEL, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        acc[i] += x[from + i];
      }
    });
  }

  /** {@code out[i] = f(x[i])}. */
  public static void map(double[] x, DoubleUnaryOperator f, double[] out) {
    for (int i = 0; i < x.length; i++) {
      out[i] = f.applyAsDouble(x[i]);
    }
  }

  /** {@code out = f(a, b)} with {@code a} and {@code b} broadcast to {@code outDims}. */
  public static void binary(double[] a, int[] aDims, double[] b, int[] bDims, int[] outDims,
      DoubleBinaryOperator f, double[] out) {
    if (a.length == out.length && b.length == out.length) {
      for (int i = 0; i < out.length; i++) {
        out[i] = f.applyAsDouble(a[i], b[i]);
      }
      return;
    }
    int[] sa = Odometer.alignedStrides(aDims, outDims);
    int[] sb = Odometer.alignedStrides(bDims, outDims);
    int la = Odometer.lastStride(sa);
    int lb = Odometer.lastStride(sb);
    Odometer.walk(outDims, new int[][] {sa, sb}, (o, offs, n) -> {
      int ia = offs[0];
      int ib = offs[1];
      for (int i = 0; i < n; i++) {
        out[o + i] = f.applyAsDouble(a[ia + i * la], b[ib + i * lb]);
      }
    });
  }

  /** {@code out = mask != 0 ? a : b}, all three broadcast to {@code outDims}. */
  public static void select(double[] mask, int[] mDims, double[] a, int[] aDims, double[] b, int[] bDims,
      int[] outDims, double[] out) {
    int[] sm = Odometer.alignedStrides(mDims, outDims);
    int[] sa = Odometer.alignedStrides(aDims, outDims);
    int[] sb = Odometer.alignedStrides(bDims, outDims);
    int lm = Odometer.lastStride(sm);
    int la = Odometer.lastStride(sa);
    int lb = Odometer.lastStride(sb);
    Odometer.walk(outDims, new int[][] {sm, sa, sb}, (o, offs, n) -> {
      for (int i = 0; i < n; i++) {
        out[o + i] = mask[offs[0] + i * lm] != 0 ? a[offs[1] + i * la] : b[offs[2] + i * lb];
      }
    });
  }

  /** Copies {@code x} broadcast to {@code outDims}. */
  public static void expand(double[] x, int[] xDims, int[] outDims, double[] out) {
    int[] sx = Odometer.alignedStrides(xDims, outDims);
    int lx = Odometer.lastStride(sx);
    Odometer.walk(outDims, new int[][] {sx}, (o, offs, n) -> {
      for (int i = 0; i < n; i++) {
        out[o + i] = x[offs[0] + i * lx];
      }
    });
  }

  /** {@code out[i] = x[i] * s}. */
  public static void scale(double[] x, double s, double[] out) {
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * s;
    }
  }
}
