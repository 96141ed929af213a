package dev.unfold.tensor.kernel;

/**
 * Batched matrix products {@code C_p = op(A_p) · op(B_p)} where {@code op} is the identity or
 * the transpose. Plain loops ordered for contiguous inner access; the place for blocking and
 * SIMD later. Internal.
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
    for (int p = 0; p < batch; p++) {
      int ao = p * aBatchStride;
      int bo = p * bBatchStride;
      int co = p * n * m;
      java.util.Arrays.fill(c, co, co + n * m, 0.0);
      if (!transB) {
        for (int i = 0; i < n; i++) {
          int ci = co + i * m;
          for (int kk = 0; kk < k; kk++) {
            double aik = transA ? a[ao + kk * n + i] : a[ao + i * k + kk];
            int bk = bo + kk * m;
            for (int j = 0; j < m; j++) {
              c[ci + j] += aik * b[bk + j];
            }
          }
        }
      } else {
        for (int i = 0; i < n; i++) {
          int ci = co + i * m;
          for (int j = 0; j < m; j++) {
            int bj = bo + j * k;
            double s = 0;
            if (transA) {
              for (int kk = 0; kk < k; kk++) {
                s += a[ao + kk * n + i] * b[bj + kk];
              }
            } else {
              int ai = ao + i * k;
              for (int kk = 0; kk < k; kk++) {
                s += a[ai + kk] * b[bj + kk];
              }
            }
            c[ci + j] = s;
          }
        }
      }
    }
  }
}
