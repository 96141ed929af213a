package dev.unfold.tensor.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Element-wise maps, with NumPy broadcasting for two and three operands. Internal. */
public final class Elementwise {
  private Elementwise() {}

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
