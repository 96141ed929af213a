package dev.unfold.tensor;

/**
 * The geometry of a (batched) matrix product {@code op(A)·op(B)}: rank-2 or rank-3 operands,
 * with a rank-2 operand reused across the other's batch. Shared by {@link Tensor#matmul} and
 * the graph's matmul op, so both report a mismatch the same way.
 *
 * @param batch number of products (1 when both operands are rank 2)
 * @param n rows of op(A)
 * @param k inner dimension
 * @param m columns of op(B)
 * @param aStride elements between consecutive A matrices (0 when A is reused)
 * @param bStride elements between consecutive B matrices (0 when B is reused)
 * @param out the result's shape
 */
public record MatMulShape(int batch, int n, int k, int m, int aStride, int bStride, Shape out) {

  /**
   * Checks and describes {@code op(a)·op(b)}.
   *
   * @throws ShapeException naming {@code op} and both shapes on a rank or inner-dimension mismatch
   */
  public static MatMulShape of(String op, Shape a, boolean transA, Shape b, boolean transB) {
    if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3) {
      throw ShapeException.of("%s: operands must be rank 2 [n×k] or rank 3 [batch×n×k], got %s · %s", op, a, b);
    }
    int ar = a.rank();
    int br = b.rank();
    int n = transA ? a.dim(ar - 1) : a.dim(ar - 2);
    int ka = transA ? a.dim(ar - 2) : a.dim(ar - 1);
    int kb = transB ? b.dim(br - 1) : b.dim(br - 2);
    int m = transB ? b.dim(br - 2) : b.dim(br - 1);
    String ta = transA ? "ᵀ" : "";
    String tb = transB ? "ᵀ" : "";
    if (ka != kb) {
      throw ShapeException.of("%s: inner dimensions differ, %s%s · %s%s (%d ≠ %d)", op, a, ta, b, tb, ka, kb);
    }
    int batchA = ar == 3 ? a.dim(0) : -1;
    int batchB = br == 3 ? b.dim(0) : -1;
    if (batchA >= 0 && batchB >= 0 && batchA != batchB) {
      throw ShapeException.of("%s: batch sizes differ, %s · %s (%d ≠ %d)", op, a, b, batchA, batchB);
    }
    int batch = Math.max(Math.max(batchA, batchB), 1);
    Shape out = (batchA >= 0 || batchB >= 0) ? Shape.of(batch, n, m) : Shape.of(n, m);
    int aStride = ar == 3 ? n * ka : 0;
    int bStride = br == 3 ? kb * m : 0;
    return new MatMulShape(batch, n, ka, m, aStride, bStride, out);
  }
}
