package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
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
 * The {@code float} matmul: against a {@code double} reference (the float64 plain loops on the
 * same, exactly representable, inputs), and the Vector API kernels against the float plain loops
 * bit for bit wherever both add each element's products in the same order.
 *
 * <p>The tolerance is the rigorous bound for a chain of k float fused multiply-adds (Higham,
 * γ_k): {@code |ĉ − c| ≤ γ_{k+1}·(Σ_p |a_ip·b_pj| + |c_start|)} with {@code γ_j = j·u/(1 − j·u)},
 * {@code u = 2⁻²⁴}; the float64 reference's own error is 2²⁹ times smaller. A worst-case bound
 * rather than a statistical one like {@code 1e-5·√k}: it cannot fail by unlucky rounding, yet for
 * every k here it is tighter than {@code 1e-5·√k}, so a lost, doubled or misplaced term (or a
 * product accumulated in a lower precision than float) still fails it.
 */
class FloatMatMulKernelTest {

  private static final int[] DIMS = {1, 3, 7, 17, 33, 65, 100, 129};
  private static final double U = 0x1p-24;

  static Stream<Arguments> transposes() {
    return Stream.of(Arguments.of(false, false), Arguments.of(false, true), Arguments.of(true, false),
        Arguments.of(true, true));
  }

  /** Every n, k, m in {@link #DIMS}, overwriting and accumulating, on the dispatching entry points and the plain loops. */
  @ParameterizedTest(name = "transA={0} transB={1}")
  @MethodSource("transposes")
  void oddSizesMatchTheFloat64Reference(boolean transA, boolean transB) {
    RandomGenerator rng = new Well19937c(transA ? (transB ? 4 : 3) : (transB ? 2 : 1));
    for (int n : DIMS) {
      for (int k : DIMS) {
        for (int m : DIMS) {
          float[] a = random(rng, n * k);
          float[] b = random(rng, k * m);
          float[] start = multiplyAndAdd(rng, n, k, m, a, transA, b, transB);
          float[] plain = start.clone();
          MatMul.multiplyPlain(n, k, m, a, 0, transA, b, 0, transB, plain, 0, true);
          assertNearReference(n, k, m, a, 0, transA, b, 0, transB, start, plain, 0);
        }
      }
    }
  }

  /**
   * Shapes tall or wide enough to pack A and B, span several k blocks and run on several threads;
   * in [300×700]·[700×500] and [100×600]·[600×1100] the threads split C's columns and share each
   * packed block of A, in the latter with more than one column block per thread; in
   * [150×256]·[256×400] they share an A that one block of k holds. The last four are just above
   * the 1 MFLOP from which products are split between threads.
   */
  static Stream<Arguments> largeShapes() {
    int[][] shapes = {{65, 257, 100}, {130, 300, 97}, {300, 700, 500}, {1600, 256, 64}, {200, 64, 777},
        {7, 513, 1100}, {32, 320, 1024}, {32, 256, 768}, {129, 1030, 129}, {100, 600, 1100}, {150, 256, 400},
        {16, 256, 256}, {8, 128, 512}, {4, 512, 512}, {200, 50, 60}};
    List<Arguments> out = new ArrayList<>();
    for (int[] s : shapes) {
      transposes().forEach(t -> out.add(Arguments.of(s[0], s[1], s[2], t.get()[0], t.get()[1])));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "[{0}×{1}]·[{1}×{2}] transA={3} transB={4}")
  @MethodSource("largeShapes")
  void largeProductsMatchTheFloat64Reference(int n, int k, int m, boolean transA, boolean transB) {
    RandomGenerator rng = new Well19937c(31L * n + 7L * k + m);
    multiplyAndAdd(rng, n, k, m, random(rng, n * k), transA, random(rng, k * m), transB);
  }

  /**
   * Checks {@code MatMul.multiply} (into NaNs, which must be overwritten unread) and
   * {@code MatMul.multiplyAdd} (onto random values) against the reference; returns those values.
   */
  private static float[] multiplyAndAdd(RandomGenerator rng, int n, int k, int m, float[] a, boolean transA,
      float[] b, boolean transB) {
    float[] c = new float[n * m];
    Arrays.fill(c, Float.NaN);
    MatMul.multiply(1, n, k, m, a, 0, transA, b, 0, transB, c);
    assertNearReference(n, k, m, a, 0, transA, b, 0, transB, null, c, 0);
    float[] start = random(rng, n * m);
    float[] sum = start.clone();
    MatMul.multiplyAdd(n, k, m, a, transA, b, transB, sum);
    assertNearReference(n, k, m, a, 0, transA, b, 0, transB, start, sum, 0);
    return start;
  }

  /** A batch with each operand shared (stride 0) or not, against one reference product per matrix. */
  @ParameterizedTest(name = "transA={0} transB={1}")
  @MethodSource("transposes")
  void batchesWithSharedOperandsMatchOneByOne(boolean transA, boolean transB) {
    RandomGenerator rng = new Well19937c(5);
    int batch = 5;
    for (int[] s : new int[][] {{3, 13, 30}, {9, 17, 65}, {70, 33, 100}}) {
      int n = s[0];
      int k = s[1];
      int m = s[2];
      float[] a = random(rng, batch * n * k);
      float[] b = random(rng, batch * k * m);
      for (int aStride : new int[] {0, n * k}) {
        for (int bStride : new int[] {0, k * m}) {
          float[] c = new float[batch * n * m];
          MatMul.multiply(batch, n, k, m, a, aStride, transA, b, bStride, transB, c);
          for (int p = 0; p < batch; p++) {
            assertNearReference(n, k, m, a, p * aStride, transA, b, p * bStride, transB, null, c, p * n * m);
          }
        }
      }
    }
  }

  /** Seeded shapes for the vector-against-plain comparison: odd, block-edge, packed and threaded. */
  static Stream<Arguments> shapes() {
    int[] dims = {0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 31, 33, 47, 48, 49, 65, 97};
    List<Arguments> out = new ArrayList<>();
    RandomGenerator rng = new Well19937c(13);
    for (int s = 0; s < 60; s++) {
      out.add(Arguments.of(dims[rng.nextInt(dims.length)], dims[rng.nextInt(dims.length)],
          dims[rng.nextInt(dims.length)], rng.nextBoolean(), rng.nextBoolean()));
    }
    out.addAll(largeShapes().toList());
    return out.stream();
  }

  /** The micro-kernel set this machine does not choose (8 × 3 or 6 × 2), on the same shapes. */
  @ParameterizedTest(name = "[{0}×{1}]·[{1}×{2}] transA={3} transB={4}")
  @MethodSource("shapes")
  void otherMicroKernelAgreesWithPlain(int n, int k, int m, boolean transA, boolean transB) {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present; only the plain loops run");
    agreesWithPlain(new FloatVectorMatMul(FloatVectorMatMul.INSTANCE.mr != 8), n, k, m, transA, transB);
  }

  @ParameterizedTest(name = "[{0}×{1}]·[{1}×{2}] transA={3} transB={4}")
  @MethodSource("shapes")
  void vectorAgreesWithPlain(int n, int k, int m, boolean transA, boolean transB) {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present; only the plain loops run");
    agreesWithPlain(null, n, k, m, transA, transB);
  }

  /** {@code kernel} null: the entry point {@link VectorMatMul}; else that kernel set. */
  private static void agreesWithPlain(BlockedMatMul<float[]> kernel, int n, int k, int m, boolean transA,
      boolean transB) {
    RandomGenerator rng = new Well19937c(17L * n + 5L * k + m);
    // Offsets inside larger arrays catch kernels that ignore them.
    int ao = 3;
    int bo = 5;
    int co = 2;
    float[] a = random(rng, ao + n * k + 4);
    float[] b = random(rng, bo + k * m + 4);
    for (boolean accumulate : new boolean[] {false, true}) {
      // Overwriting, C starts with NaNs; accumulating, with values to add to. The elements
      // around C must stay as they were.
      float[] plain = random(rng, co + n * m + 3);
      plain[0] = 42;
      plain[co + n * m] = -7;
      for (int i = co; i < co + n * m && !accumulate; i += 5) {
        plain[i] = Float.NaN;
      }
      float[] start = plain.clone();
      float[] vector = plain.clone();
      MatMul.multiplyPlain(n, k, m, a, ao, transA, b, bo, transB, plain, co, accumulate);
      if (kernel == null) {
        VectorMatMul.multiply(n, k, m, a, ao, transA, b, bo, transB, null, vector, co, accumulate);
      } else {
        kernel.multiply(n, k, m, a, ao, transA, b, bo, transB, vector, co, accumulate);
      }
      // op(B) packed whole beforehand (a kept weight) gives the plain loops' bits, dot-product shapes included.
      BlockedMatMul<float[]> kernels = kernel == null ? FloatVectorMatMul.INSTANCE : kernel;
      float[] packed = start.clone();
      kernels.multiply(n, k, m, a, ao, transA, b, bo, transB, kernels.packWhole(b, bo, transB, k, m), packed, co, accumulate);
      assertArrayEquals(plain, packed, 0f, "with op(B) packed whole");
      boolean sameOrder = !(transB && !transA && n < VectorMatMul.DOT_ROWS);
      String what = String.format(Locale.ROOT, "[%d×%d]·[%d×%d] accumulate=%b", n, k, k, m, accumulate);
      if (sameOrder) {
        assertArrayEquals(plain, vector, 0f, what);
      } else {
        // The dot products add lane partial sums: another rounding, within the same bound.
        assertNearReference(n, k, m, a, ao, transA, b, bo, transB, accumulate ? start : null, vector, co);
        assertEquals(42f, vector[0], what);
        assertEquals(-7f, vector[co + n * m], what);
      }
    }
  }

  @Test
  void plainLoopsComputeTheProductInFloat() {
    float[] a = {1, 2, 3, 4, 5, 6};        // [2×3]
    float[] b = {7, 8, 9, 10, 11, 12};     // [3×2]
    float[] c = new float[4];
    MatMul.multiplyPlain(2, 3, 2, a, 0, false, b, 0, false, c, 0, false);
    assertArrayEquals(new float[] {58, 64, 139, 154}, c, 0f);
    // 1 + 2⁻²⁴ rounds to 1 in float, so a float chain loses each small term; one accumulated in
    // double and rounded at the end would give 1 + 2⁻²³.
    float[] row = {1f, 0x1p-24f, 0x1p-24f};
    float[] ones = {1f, 1f, 1f};
    for (boolean transB : new boolean[] {false, true}) {
      float[] dot = new float[1];
      MatMul.multiplyPlain(1, 3, 1, row, 0, false, ones, 0, transB, dot, 0, false);
      assertEquals(1f, dot[0], 0f);
    }
  }

  /**
   * Checks {@code c[co…]} against the float64 product of the same inputs (plus {@code start}
   * when accumulating), element by element, within γ_{k+1} of each element's scale.
   */
  private static void assertNearReference(int n, int k, int m, float[] a, int ao, boolean transA,
      float[] b, int bo, boolean transB, float[] start, float[] c, int co) {
    double[] ad = toDouble(a);
    double[] bd = toDouble(b);
    double[] ref = start == null ? new double[n * m] : Arrays.copyOfRange(toDouble(start), co, co + n * m);
    MatMul.multiplyPlain(n, k, m, ad, ao, transA, bd, bo, transB, ref, 0, start != null);
    // Scale: the same product on absolute values.
    double[] absA = abs(ad);
    double[] absB = abs(bd);
    double[] scale = start == null ? new double[n * m] : abs(Arrays.copyOfRange(toDouble(start), co, co + n * m));
    MatMul.multiplyPlain(n, k, m, absA, ao, transA, absB, bo, transB, scale, 0, true);
    double ku = (k + 1) * U;
    double gamma = ku / (1 - ku);
    for (int e = 0; e < n * m; e++) {
      double diff = Math.abs(c[co + e] - ref[e]);
      // NOTE: the extra u·scale covers the reference's own (far smaller) rounding and the last rounding to float.
      if (!(diff <= (gamma + U) * scale[e])) {
        fail(String.format(Locale.ROOT, "[%d×%d]·[%d×%d] transA=%b transB=%b element (%d, %d): %s vs float64 %s"
            + " (bound %s)", n, k, k, m, transA, transB, e / m, e % m, c[co + e], ref[e], (gamma + U) * scale[e]));
      }
    }
  }

  private static double[] toDouble(float[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i];
    }
    return y;
  }

  private static double[] abs(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.abs(x[i]);
    }
    return y;
  }

  private static float[] random(RandomGenerator rng, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    return x;
  }
}
