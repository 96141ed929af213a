package dev.unfold.tensor.kernel;

import java.util.Arrays;

/**
 * Batched matrix products {@code C_p = op(A_p) · op(B_p)} where {@code op} is the identity or
 * the transpose, on {@code double[]} or {@code float[]}. Internal.
 *
 * <p>Every element of C is a chain of fused multiply-adds over the inner dimension in index
 * order, {@code c = fma(a_i0, b_0j, 0); c = fma(a_i1, b_1j, c); …}, whichever path computes it:
 * the blocked SIMD kernels of {@link VectorMatMul} (when {@link Kernels#vectorized()}), or the
 * plain loops here. So the two paths, and any number of threads, give the same bits. The one
 * exception: {@code A·Bᵀ} with fewer than 8 rows runs on SIMD dot products whose partial sums
 * are added lane by lane, a different (equally accurate) rounding.
 *
 * <p>The {@code float} overloads work the same way in {@code float} throughout: every product
 * and partial sum is rounded to float (one rounding per fused multiply-add, as BLAS sgemm), with
 * the same agreement between paths and thread counts and the same one exception.
 */
public final class MatMul {
  private MatMul() {}

  /**
   * Computes {@code batch} products of {@code [n×k]·[k×m]} into {@code c} ({@code batch·n·m}
   * elements, overwritten).
   *
   * @param aBatchStride elements between consecutive A matrices, 0 to reuse one A for all
   * @param transA A_p is stored as {@code [k×n]}
   * @param bBatchStride elements between consecutive B matrices, 0 to reuse one B for all
   * @param transB B_p is stored as {@code [m×k]}
   */
  public static void multiply(int batch, int n, int k, int m,
      double[] a, int aBatchStride, boolean transA,
      double[] b, int bBatchStride, boolean transB, double[] c) {
    multiply(batch, n, k, m, a, aBatchStride, transA, b, bBatchStride, transB, null, c);
  }

  /**
   * {@link #multiply(int, int, int, int, double[], int, boolean, double[], int, boolean, double[])}
   * with the shared B's ({@code bBatchStride} 0) packed form from {@link #packB(double[], int, int, boolean)}
   * (or null), read in its place.
   */
  public static void multiply(int batch, int n, int k, int m,
      double[] a, int aBatchStride, boolean transA,
      double[] b, int bBatchStride, boolean transB, double[] packedB, double[] c) {
    if (foldsBatch(batch, aBatchStride, transA, bBatchStride)) {
      n *= batch;
      batch = 1;
    }
    for (int p = 0; p < batch; p++) {
      int ao = p * aBatchStride;
      int bo = p * bBatchStride;
      int co = p * n * m;
      if (Kernels.VECTOR) {
        VectorMatMul.multiply(n, k, m, a, ao, transA, b, bo, transB, packedB, c, co, false);
      } else {
        multiplyPlain(n, k, m, a, ao, transA, b, bo, transB, c, co);
      }
    }
  }

  /** The {@code float} products, as {@link #multiply(int, int, int, int, double[], int, boolean, double[], int, boolean, double[])}. */
  public static void multiply(int batch, int n, int k, int m,
      float[] a, int aBatchStride, boolean transA,
      float[] b, int bBatchStride, boolean transB, float[] c) {
    multiply(batch, n, k, m, a, aBatchStride, transA, b, bBatchStride, transB, null, c);
  }

  /**
   * {@link #multiply(int, int, int, int, float[], int, boolean, float[], int, boolean, float[])}
   * with the shared B's ({@code bBatchStride} 0) packed form from {@link #packB(float[], int, int, boolean)}
   * (or null), read in its place.
   */
  public static void multiply(int batch, int n, int k, int m,
      float[] a, int aBatchStride, boolean transA,
      float[] b, int bBatchStride, boolean transB, float[] packedB, float[] c) {
    if (foldsBatch(batch, aBatchStride, transA, bBatchStride)) {
      n *= batch;
      batch = 1;
    }
    for (int p = 0; p < batch; p++) {
      int ao = p * aBatchStride;
      int bo = p * bBatchStride;
      int co = p * n * m;
      if (Kernels.VECTOR) {
        VectorMatMul.multiply(n, k, m, a, ao, transA, b, bo, transB, packedB, c, co, false);
      } else {
        multiplyPlain(n, k, m, a, ao, transA, b, bo, transB, c, co, false);
      }
    }
  }

  /**
   * Whether a batch is one tall product. NOTE: a batch of row-major A against one shared B is a
   * single product with batch·n rows (the output layouts coincide), and a tall product blocks and
   * threads better than many short ones.
   */
  private static boolean foldsBatch(int batch, int aBatchStride, boolean transA, int bBatchStride) {
    return batch > 1 && bBatchStride == 0 && aBatchStride != 0 && !transA;
  }

  /**
   * True when a product of {@code rows} rows (a batch folded in) is faster reading a packed copy
   * of B ({@link #packB(float[], int, int, boolean)}) than reading B in place (up to
   * {@value BlockedMatMul#SMALL_N} rows) or packing it on every call. In place,
   * consecutive rows of a column panel lie m elements apart: at m = 256 or 1024 (4 KB in float32)
   * they fall into a few cache sets and evict each other before the next row group reads them
   * again; packed per call (a transpose always, a wide B from four row groups on), the copy costs
   * a quarter to a half of the product. Worth it when the
   * same B serves many products (a recurrent weight at every time step) and its packed copy can
   * be kept. Fewer than {@value BlockedMatMul#DOT_ROWS} rows against a transposed B run as dot
   * products instead, and a B of more than {@value #MAX_PACKED_B} elements (a large vocabulary's
   * output layer, say) is not copied, which bounds the memory a kept copy adds. Same bits either
   * way, but for those dot products (see the class comment).
   */
  public static boolean prefersPackedB(int rows, int k, int m, boolean transB) {
    return Kernels.VECTOR && rows <= BlockedMatMul.SMALL_N && (!transB || rows >= BlockedMatMul.DOT_ROWS)
        && (long) k * m <= MAX_PACKED_B;
  }

  /** The most elements of a B that {@link #prefersPackedB} copies: 4M, 16 MB in float32. */
  public static final int MAX_PACKED_B = 1 << 22;

  /**
   * op(B) packed for {@link #multiply}'s {@code packedB}, B row-major {@code [k×m]} or, when
   * {@code transB}, {@code [m×k]}; only when {@link Kernels#vectorized()}.
   */
  public static double[] packB(double[] b, int k, int m, boolean transB) {
    return VectorMatMul.packB(b, k, m, transB);
  }

  /** The {@code float} B packed, as {@link #packB(double[], int, int, boolean)}. */
  public static float[] packB(float[] b, int k, int m, boolean transB) {
    return VectorMatMul.packB(b, k, m, transB);
  }

  /**
   * Adds one product {@code [n×k]·[k×m]} into {@code c} ({@code n·m} elements): each element's
   * fused multiply-add chain starts from its value in {@code c} instead of from 0.
   */
  public static void multiplyAdd(int n, int k, int m, double[] a, boolean transA, double[] b, boolean transB,
      double[] c) {
    multiplyAdd(n, k, m, a, transA, b, transB, null, c);
  }

  /** {@link #multiplyAdd(int, int, int, double[], boolean, double[], boolean, double[])} with B's packed form, as {@link #multiply}. */
  public static void multiplyAdd(int n, int k, int m, double[] a, boolean transA, double[] b, boolean transB,
      double[] packedB, double[] c) {
    if (Kernels.VECTOR) {
      VectorMatMul.multiply(n, k, m, a, 0, transA, b, 0, transB, packedB, c, 0, true);
    } else {
      multiplyPlain(n, k, m, a, 0, transA, b, 0, transB, c, 0, true);
    }
  }

  /** The {@code float} product, as {@link #multiplyAdd(int, int, int, double[], boolean, double[], boolean, double[])}. */
  public static void multiplyAdd(int n, int k, int m, float[] a, boolean transA, float[] b, boolean transB,
      float[] c) {
    multiplyAdd(n, k, m, a, transA, b, transB, null, c);
  }

  /** {@link #multiplyAdd(int, int, int, float[], boolean, float[], boolean, float[])} with B's packed form, as {@link #multiply}. */
  public static void multiplyAdd(int n, int k, int m, float[] a, boolean transA, float[] b, boolean transB,
      float[] packedB, float[] c) {
    if (Kernels.VECTOR) {
      VectorMatMul.multiply(n, k, m, a, 0, transA, b, 0, transB, packedB, c, 0, true);
    } else {
      multiplyPlain(n, k, m, a, 0, transA, b, 0, transB, c, 0, true);
    }
  }

  /**
   * Adds {@code Σ_s a[s]ᵀ·b[s]} into {@code c} [n×m], for row blocks {@code a[s]} [rows[s] × n]
   * and {@code b[s]} [rows[s] × m]: the product Aᵀ·B of the blocks stacked along k (a weight's
   * gradient over the time steps of a sequence), with the bits of {@link #multiplyAdd} on stacked
   * copies but without making them.
   */
  public static void multiplyAddStacked(int n, int m, double[][] a, double[][] b, int[] rows, double[] c) {
    checkStacked(n, m, a.length, b.length, rows, c.length, s -> a[s].length, s -> b[s].length);
    if (Kernels.VECTOR) {
      VectorMatMul.multiplyAddStacked(n, m, a, b, rows, c);
    } else {
      for (int s = 0; s < rows.length; s++) {
        multiplyPlain(n, rows[s], m, a[s], 0, true, b[s], 0, false, c, 0, true);
      }
    }
  }

  /** The {@code float} form of {@link #multiplyAddStacked(int, int, double[][], double[][], int[], double[])}. */
  public static void multiplyAddStacked(int n, int m, float[][] a, float[][] b, int[] rows, float[] c) {
    checkStacked(n, m, a.length, b.length, rows, c.length, s -> a[s].length, s -> b[s].length);
    if (Kernels.VECTOR) {
      VectorMatMul.multiplyAddStacked(n, m, a, b, rows, c);
    } else {
      for (int s = 0; s < rows.length; s++) {
        multiplyPlain(n, rows[s], m, a[s], 0, true, b[s], 0, false, c, 0, true);
      }
    }
  }

  private static void checkStacked(int n, int m, int aBlocks, int bBlocks, int[] rows, int cLength,
      java.util.function.IntUnaryOperator aLength, java.util.function.IntUnaryOperator bLength) {
    if (aBlocks != rows.length || bBlocks != rows.length || cLength < n * m) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "multiplyAddStacked: %d and %d blocks for %d row counts, C of %d elements for [%d×%d]", aBlocks, bBlocks,
          rows.length, cLength, n, m));
    }
    for (int s = 0; s < rows.length; s++) {
      if (rows[s] < 0 || aLength.applyAsInt(s) < rows[s] * n || bLength.applyAsInt(s) < rows[s] * m) {
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
            "multiplyAddStacked: block %d of %d rows needs %d and %d elements, has %d and %d", s, rows[s],
            rows[s] * n, rows[s] * m, aLength.applyAsInt(s), bLength.applyAsInt(s)));
      }
    }
  }

  /** One product with plain loops, overwriting C; the fallback and the reference for tests. */
  static void multiplyPlain(int n, int k, int m, double[] a, int ao, boolean transA,
      double[] b, int bo, boolean transB, double[] c, int co) {
    multiplyPlain(n, k, m, a, ao, transA, b, bo, transB, c, co, false);
  }

  /** One product with plain loops, overwriting C or, with {@code accumulate}, adding to it. */
  static void multiplyPlain(int n, int k, int m, double[] a, int ao, boolean transA,
      double[] b, int bo, boolean transB, double[] c, int co, boolean accumulate) {
    if (!accumulate) {
      Arrays.fill(c, co, co + n * m, 0.0);
    }
    int ars = transA ? 1 : k;
    int aks = transA ? n : 1;
    if (!transB) {
      for (int i = 0; i < n; i++) {
        int ci = co + i * m;
        int ai = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
          double aik = a[ai + kk * aks];
          int bk = bo + kk * m;
          for (int j = 0; j < m; j++) {
            c[ci + j] = Math.fma(aik, b[bk + j], c[ci + j]);
          }
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        int ci = co + i * m;
        int ai = ao + i * ars;
        for (int j = 0; j < m; j++) {
          int bj = bo + j * k;
          double s = accumulate ? c[ci + j] : 0.0;
          for (int kk = 0; kk < k; kk++) {
            s = Math.fma(a[ai + kk * aks], b[bj + kk], s);
          }
          c[ci + j] = s;
        }
      }
    }
  }

  /** The {@code float} plain loops: float products and sums, each a fused multiply-add as in sgemm. */
  static void multiplyPlain(int n, int k, int m, float[] a, int ao, boolean transA,
      float[] b, int bo, boolean transB, float[] c, int co, boolean accumulate) {
    if (!accumulate) {
      Arrays.fill(c, co, co + n * m, 0f);
    }
    int ars = transA ? 1 : k;
    int aks = transA ? n : 1;
    if (!transB) {
      for (int i = 0; i < n; i++) {
        int ci = co + i * m;
        int ai = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
          float aik = a[ai + kk * aks];
          int bk = bo + kk * m;
          for (int j = 0; j < m; j++) {
            c[ci + j] = Math.fma(aik, b[bk + j], c[ci + j]);
          }
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        int ci = co + i * m;
        int ai = ao + i * ars;
        for (int j = 0; j < m; j++) {
          int bj = bo + j * k;
          float s = accumulate ? c[ci + j] : 0f;
          for (int kk = 0; kk < k; kk++) {
            s = Math.fma(a[ai + kk * aks], b[bj + kk], s);
          }
          c[ci + j] = s;
        }
      }
    }
  }
}
