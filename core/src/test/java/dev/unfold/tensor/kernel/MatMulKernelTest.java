package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API matmul against the plain loops: bit for bit wherever both add each element's
 * products in the same order (everything except {@code A·Bᵀ} with fewer than 8 rows), and
 * within a tight bound there.
 */
class MatMulKernelTest {

  /** Seeded shapes: empty, single and odd dims, edges of every block size, packed and threaded ones. */
  static Stream<Arguments> shapes() {
    int[] dims = {0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 23, 24, 25, 31, 33, 47, 65};
    List<Arguments> out = new ArrayList<>();
    RandomGenerator rng = new Well19937c(11);
    for (int s = 0; s < 60; s++) {
      int n = dims[rng.nextInt(dims.length)];
      int k = dims[rng.nextInt(dims.length)];
      int m = dims[rng.nextInt(dims.length)];
      out.add(Arguments.of(n, k, m, rng.nextBoolean(), rng.nextBoolean()));
    }
    // Blocks: more rows than are read in place (64), k beyond one KC block (256), m beyond one NC block.
    // [300×700]·[700×500] and [100×600]·[600×1100] split C's columns between threads that share
    // one packed A (each thread packing whole blocks of k), [150×256]·[256×400] one that a single
    // block of k holds (the threads share its panels); [32×256]·[256×768] (a GRU step's product) and
    // [70×40]·[40×800] share an A the caller packs, in bands finer than one per thread;
    // [513×1025]·[1025×520] shares an A too big to pack whole (BlockedMatMul.SHARED_A_WHOLE_MAX);
    // [70×30]·[30×2200] and [70×30]·[30×6500] give each thread more than one column block of B
    // (1024 columns on 6 × 2, 3072 on 8 × 3). [16×256]·[256×256], [8×128]·[128×512], [4×512]·[512×512]
    // (dot products when B is transposed) and [200×50]·[50×60] (row bands) are split between threads
    // from 1 MFLOP (BlockedMatMul.PARALLEL_FLOPS), just above it.
    int[][] big = {{65, 257, 100}, {130, 300, 97}, {32, 320, 1024}, {70, 40, 800}, {1, 100, 400}, {4, 400, 100},
        {7, 513, 33}, {200, 64, 777}, {1, 1, 1}, {1600, 256, 64}, {32, 256, 768}, {300, 700, 500}, {100, 600, 1100}, {513, 1025, 520},
        {70, 30, 2200}, {70, 30, 6500}, {150, 256, 400},
        {16, 256, 256}, {8, 128, 512}, {4, 512, 512}, {200, 50, 60}};
    for (int[] b : big) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          out.add(Arguments.of(b[0], b[1], b[2], ta, tb));
        }
      }
    }
    return out.stream();
  }

  /** The micro-kernel set this machine does not choose (8 × 3 or 6 × 2), on the same shapes. */
  @ParameterizedTest(name = "[{0}×{1}]·[{1}×{2}] transA={3} transB={4}")
  @MethodSource("shapes")
  void otherMicroKernelAgreesWithPlain(int n, int k, int m, boolean transA, boolean transB) {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present; only the plain loops run");
    agreesWithPlain(new DoubleVectorMatMul(DoubleVectorMatMul.INSTANCE.mr != 8), n, k, m, transA, transB);
  }

  @ParameterizedTest(name = "[{0}×{1}]·[{1}×{2}] transA={3} transB={4}")
  @MethodSource("shapes")
  void vectorAgreesWithPlain(int n, int k, int m, boolean transA, boolean transB) {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present; only the plain loops run");
    agreesWithPlain(null, n, k, m, transA, transB);
  }

  /** {@code kernel} null: the entry point {@link VectorMatMul}; else that kernel set. */
  private static void agreesWithPlain(BlockedMatMul<double[]> kernel, int n, int k, int m, boolean transA,
      boolean transB) {
    RandomGenerator rng = new Well19937c(31L * n + 7L * k + m);
    // Offsets inside larger arrays catch kernels that ignore them.
    int ao = 3;
    int bo = 5;
    int co = 2;
    double[] a = random(rng, ao + n * k + 4);
    double[] b = random(rng, bo + k * m + 4);
    for (boolean accumulate : new boolean[] {false, true}) {
      compare(kernel, n, k, m, transA, transB, accumulate, rng, a, ao, b, bo, co);
    }
  }

  private static void compare(BlockedMatMul<double[]> kernel, int n, int k, int m, boolean transA, boolean transB,
      boolean accumulate, RandomGenerator rng, double[] a, int ao, double[] b, int bo, int co) {
    // Overwriting, C starts with garbage; accumulating, with values to add to. The elements
    // around C must stay as they were.
    double[] plain = random(rng, co + n * m + 3);
    plain[0] = 42;
    plain[co + n * m] = -7;
    for (int i = co; i < co + n * m && !accumulate; i += 5) {
      plain[i] = Double.NaN;
    }
    double[] start = plain.clone();
    double[] vector = plain.clone();
    MatMul.multiplyPlain(n, k, m, a, ao, transA, b, bo, transB, plain, co, accumulate);
    if (kernel == null) {
      VectorMatMul.multiply(n, k, m, a, ao, transA, b, bo, transB, null, vector, co, accumulate);
    } else {
      kernel.multiply(n, k, m, a, ao, transA, b, bo, transB, vector, co, accumulate);
    }
    // op(B) packed whole beforehand (a kept weight) gives the plain loops' bits, dot-product shapes included.
    BlockedMatMul<double[]> kernels = kernel == null ? DoubleVectorMatMul.INSTANCE : kernel;
    double[] packed = start.clone();
    kernels.multiply(n, k, m, a, ao, transA, b, bo, transB, kernels.packWhole(b, bo, transB, k, m), packed, co, accumulate);
    assertArrayEquals(plain, packed, 0.0, "with op(B) packed whole");
    boolean sameOrder = !(transB && !transA && n < VectorMatMul.DOT_ROWS);
    if (sameOrder) {
      assertArrayEquals(plain, vector, 0.0, String.format(Locale.ROOT, "[%d×%d]·[%d×%d]", n, k, k, m));
    } else {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          double bound = 1e-15 * (k + 1) * (absDot(a, ao, b, bo, n, k, m, i, j)
              + (accumulate ? Math.abs(start[co + i * m + j]) : 0));
          double diff = Math.abs(plain[co + i * m + j] - vector[co + i * m + j]);
          assertTrue(diff <= bound, String.format(Locale.ROOT, "element (%d, %d): %s vs %s",
              i, j, plain[co + i * m + j], vector[co + i * m + j]));
        }
      }
      assertEquals(42, vector[0]);
      assertEquals(-7, vector[co + n * m]);
    }
  }

  /** Σ_k |a_ik·b_kj| for A row-major and B stored transposed: the scale of the rounding error. */
  private static double absDot(double[] a, int ao, double[] b, int bo, int n, int k, int m, int i, int j) {
    double s = 0;
    for (int p = 0; p < k; p++) {
      s += Math.abs(a[ao + i * k + p] * b[bo + j * k + p]);
    }
    return s;
  }

  @Test
  void batchedProductsMatchOneByOne() {
    RandomGenerator rng = new Well19937c(5);
    int batch = 5;
    int n = 9;
    int k = 13;
    int m = 30;
    double[] a = random(rng, batch * n * k);
    double[] b = random(rng, batch * k * m);
    double[] shared = random(rng, k * m);
    // A batch against one shared B (folded into one tall product) and a batch of pairs.
    double[] folded = new double[batch * n * m];
    double[] pairs = new double[batch * n * m];
    MatMul.multiply(batch, n, k, m, a, n * k, false, shared, 0, false, folded);
    MatMul.multiply(batch, n, k, m, a, n * k, false, b, k * m, false, pairs);
    for (int p = 0; p < batch; p++) {
      double[] one = new double[n * m];
      MatMul.multiplyPlain(n, k, m, a, p * n * k, false, shared, 0, false, one, 0);
      assertArrayEquals(one, java.util.Arrays.copyOfRange(folded, p * n * m, (p + 1) * n * m), 0.0);
      double[] two = new double[n * m];
      MatMul.multiplyPlain(n, k, m, a, p * n * k, false, b, p * k * m, false, two, 0);
      assertArrayEquals(two, java.util.Arrays.copyOfRange(pairs, p * n * m, (p + 1) * n * m), 0.0);
    }
  }

  @Test
  void plainLoopsComputeTheProduct() {
    double[] a = {1, 2, 3, 4, 5, 6};        // [2×3]
    double[] b = {7, 8, 9, 10, 11, 12};     // [3×2]
    double[] c = new double[4];
    MatMul.multiplyPlain(2, 3, 2, a, 0, false, b, 0, false, c, 0);
    assertArrayEquals(new double[] {58, 64, 139, 154}, c, 0.0);
    double[] bt = {7, 9, 11, 8, 10, 12};    // the same B stored transposed
    double[] ct = new double[4];
    MatMul.multiplyPlain(2, 3, 2, a, 0, false, bt, 0, true, ct, 0);
    assertArrayEquals(c, ct, 0.0);
  }

  private static double[] random(RandomGenerator rng, int size) {
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = rng.nextGaussian();
    }
    return x;
  }

  @Test
  void theLargestSharedShapeStillPacksABlockAtATime() {
    assertTrue(513L * 1025 > BlockedMatMul.SHARED_A_WHOLE_MAX, "the [513×1025] A of shapes() no longer tests that path");
  }

}
