package dev.unfold.tensor.kernel;

/**
 * The entry points of the SIMD matrix products on the incubating Vector API, one per element
 * type (the work is in {@link BlockedMatMul} and its subclasses). Only {@link MatMul} and
 * {@link Kernels} call this class, and only when {@link Kernels#vectorized()}: the classes behind
 * it fail to load without the module {@code jdk.incubator.vector}.
 */
final class VectorMatMul {
  private VectorMatMul() {}

  /** Below this many rows, {@code A·Bᵀ} runs as dot products (see {@link MatMul}). */
  static final int DOT_ROWS = BlockedMatMul.DOT_ROWS;

  /** The width of the preferred vector species, in bits. */
  static int bits() {
    return DoubleVectorMatMul.bits();
  }

  /** The main micro-kernels in use, rows × vectors: {@code float32 8×3, float64 8×3} on AVX-512. */
  static String microKernels() {
    return "float32 " + tile(FloatVectorMatMul.INSTANCE) + ", float64 " + tile(DoubleVectorMatMul.INSTANCE);
  }

  private static String tile(BlockedMatMul<?> kernels) {
    return kernels.mr + "×" + kernels.nr / kernels.lanes;
  }

  /**
   * {@code c[co…] = op(A)·op(B)} for one product, overwriting the {@code n·m} elements of C, or
   * with {@code accumulate} adding to them (each element's chain starts from its value in C);
   * {@code packedB}, when not null, is op(B) as {@link #packB} lays it out.
   */
  static void multiply(int n, int k, int m, double[] a, int ao, boolean transA,
      double[] b, int bo, boolean transB, double[] packedB, double[] c, int co, boolean accumulate) {
    DoubleVectorMatMul.INSTANCE.multiply(n, k, m, a, ao, transA, b, bo, transB, packedB, c, co, accumulate);
  }

  /** See {@link MatMul#multiplyAddStacked(int, int, double[][], double[][], int[], double[])}. */
  static void multiplyAddStacked(int n, int m, double[][] a, double[][] b, int[] rows, double[] c) {
    DoubleVectorMatMul.INSTANCE.multiplyAddStacked(n, m, a, b, rows, c);
  }

  /** See {@link MatMul#multiplyAddStacked(int, int, float[][], float[][], int[], float[])}. */
  static void multiplyAddStacked(int n, int m, float[][] a, float[][] b, int[] rows, float[] c) {
    FloatVectorMatMul.INSTANCE.multiplyAddStacked(n, m, a, b, rows, c);
  }

  /** op(B) packed for {@link #multiply}'s {@code packedB} (see {@link BlockedMatMul#packWhole}). */
  static double[] packB(double[] b, int k, int m, boolean transB) {
    return DoubleVectorMatMul.INSTANCE.packWhole(b, 0, transB, k, m);
  }

  /** The {@code float} product, as {@link #multiply(int, int, int, double[], int, boolean, double[], int, boolean, double[], double[], int, boolean)}. */
  static void multiply(int n, int k, int m, float[] a, int ao, boolean transA,
      float[] b, int bo, boolean transB, float[] packedB, float[] c, int co, boolean accumulate) {
    FloatVectorMatMul.INSTANCE.multiply(n, k, m, a, ao, transA, b, bo, transB, packedB, c, co, accumulate);
  }

  /** op(B) packed for {@link #multiply}'s {@code packedB} (see {@link BlockedMatMul#packWhole}). */
  static float[] packB(float[] b, int k, int m, boolean transB) {
    return FloatVectorMatMul.INSTANCE.packWhole(b, 0, transB, k, m);
  }
}
