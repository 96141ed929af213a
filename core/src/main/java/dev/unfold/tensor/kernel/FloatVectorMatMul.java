package dev.unfold.tensor.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code float} half of the SIMD matrix products (see {@link BlockedMatMul} for the
 * blocking and packing): micro-kernels of 8 rows × 3 vectors (6 × 2 below 512-bit vectors) on the
 * preferred {@code FloatVector} species, dot products and element copies. Loading this class without the
 * module {@code jdk.incubator.vector} fails; only {@link VectorMatMul} touches it.
 *
 * <p>NOTE: the micro-kernels are straight-line code with no branch in their loop: a branch
 * there can make C2 give up on the vector intrinsics (check with {@code -XX:+PrintInlining}).
 * Whether a kernel starts from zero or from C is chosen once, before its loop.
 */
final class FloatVectorMatMul extends BlockedMatMul<float[]> {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /**
   * Whether the main micro-kernel is 8 rows × 3 vectors (24 accumulators + 3 B vectors + 1 A
   * broadcast: AVX-512's 32 registers) rather than 6 rows × 2 vectors (12 + 2 + 1, for 16
   * registers), which reads A packed whenever C is wide enough, few rows included. NOTE: on a
   * Zen 3 (AVX2; bench/README.md, session E) the 4 × 3 tile used before ran at 35–41 GFLOP/s alone
   * in L1, 6 × 2 at 48–50 on packed A (one index into A) but 35 on A read in place (one index per
   * row: C2 ran out of integer registers); in the products 6 × 2 on packed A gained 6–33%, and the
   * std float32 RNN and LSTM steps 6–14% and 6%.
   */
  private static final boolean EIGHT_BY_THREE = S.vectorBitSize() >= 512;
  /**
   * Inner-dimension block. NOTE: chosen by measurement on one thread, KC 256…1024 × MC 32…128 ×
   * NC 16/32/64 panels at n = 1024: KC 512 ran about 5% above 256 (fewer reloads of C), the rest
   * within the noise; 300×1024×1024 with Bᵀ and the RNN shapes did not tell 256 from 512.
   */
  private static final int KC = 512;
  /** Column block of packed B, in panels of the main micro-kernel's width. */
  private static final int NC_PANELS = 32;

  static final FloatVectorMatMul INSTANCE = new FloatVectorMatMul(EIGHT_BY_THREE);

  /**
   * Packing buffers, one set per thread: a block of A, a block of B, and (grown as needed) a block
   * of A the threads of one product share. Kernel scratch, never visible outside.
   */
  private final ThreadLocal<float[][]> scratch =
      ThreadLocal.withInitial(() -> new float[][] {new float[rowBlock * kBlock], new float[kBlock * colBlock], new float[0]});

  /**
   * The products with the 8 × 3 or the 6 × 2 micro-kernels (both correct on any species; the
   * tests run the set this machine does not choose too). The row block of packed A, 64 or 72
   * rows, is a multiple of the kernel's rows.
   */
  FloatVectorMatMul(boolean eightByThree) {
    super(L, Float.BYTES, eightByThree ? 8 : 6, eightByThree ? 3 : 2, KC, eightByThree ? 64 : 72, NC_PANELS, !eightByThree);
  }

  @Override
  float[][] scratch() {
    return scratch.get();
  }

  @Override
  float[] sharedScratch(int size) {
    float[][] buffers = scratch.get();
    if (buffers[2].length < size) {
      buffers[2] = new float[size];
    }
    return buffers[2];
  }

  @Override
  void zero(float[] c, int from, int to) {
    Arrays.fill(c, from, to, 0f);
  }

  @Override
  float[] allocate(int size) {
    return new float[size];
  }

  @Override
  void gather(float[] src, int from, int stride, float[] dst, int to, int dstStride, int count) {
    for (int i = 0; i < count; i++) {
      dst[to + i * dstStride] = src[from + i * stride];
    }
  }

  /**
   * NOTE: a run of at least a vector moves a vector at a time, the last vector ending where the
   * run ends (overlapping the one before when the run is not a whole number of vectors: a float64
   * 6-row A panel); one call per panel replaces one per step of k (bench/README.md, sessions H and
   * I). Runs of at least half a vector (a float32 6-row A panel) move one vector each too: the
   * lanes past the run land where the next run goes and are overwritten by it, and the last run
   * moves element by element, so nothing past {@code to + run·count} is written.
   */
  @Override
  void copyRuns(float[] src, int from, int stride, float[] dst, int to, int run, int count) {
    if (run >= L) {
      int last = run - L;
      for (int c = 0; c < count; c++) {
        int f = from + c * stride;
        int t = to + c * run;
        for (int v = 0; v < last; v += L) {
          FloatVector.fromArray(S, src, f + v).intoArray(dst, t + v);
        }
        FloatVector.fromArray(S, src, f + last).intoArray(dst, t + last);
      }
    } else if (2 * run >= L && count > 1) {
      for (int c = 0; c < count - 1; c++) {
        FloatVector.fromArray(S, src, from + c * stride).intoArray(dst, to + c * run);
      }
      copyRuns(src, from + (count - 1) * stride, stride, dst, to + (count - 1) * run, run, 1);
    } else {
      for (int c = 0; c < count; c++) {
        int f = from + c * stride;
        int t = to + c * run;
        for (int e = 0; e < run; e++) {
          dst[t + e] = src[f + e];
        }
      }
    }
  }

  @Override
  void spreadRows(float[] src, int from, int stride, int rows, float[] dst, int to, int panelStride, int panels) {
    for (int q = 0; q < panels; q++) {
      int f = from + q * nr;
      int t = to + q * panelStride;
      for (int r = 0; r < rows; r++) {
        for (int v = 0; v < nr; v += L) {
          FloatVector.fromArray(S, src, f + v).intoArray(dst, t + v);
        }
        f += stride;
        t += nr;
      }
    }
  }

  @Override
  void dots(int n, int k, int m, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean accumulate,
      int start, int end) {
    int kv = S.loopBound(k);
    for (int i = 0; i < n; i++) {
      int ai = ao + i * k;
      int ci = co + i * m;
      int j = start;
      for (; j + 4 <= end; j += 4) {
        dot4(k, kv, a, ai, b, bo + j * k, c, ci + j, accumulate);
      }
      for (; j < end; j++) {
        dot1(k, kv, a, ai, b, bo + j * k, c, ci + j, accumulate);
      }
    }
  }

  /**
   * The lanes added in index order. NOTE: not {@code reduceLanes(ADD)}, whose order differs between
   * the interpreter and compiled code, which would make results depend on the JIT's progress.
   */
  private static float sumLanes(FloatVector v) {
    float s = 0f;
    for (float x : v.toArray()) {
      s += x;
    }
    return s;
  }

  /** Four dot products of one A row with four consecutive B rows. */
  private static void dot4(int k, int kv, float[] a, int ai, float[] b, int b0, float[] c, int ci,
      boolean accumulate) {
    int b1 = b0 + k;
    int b2 = b1 + k;
    int b3 = b2 + k;
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = FloatVector.zero(S);
    FloatVector s2 = FloatVector.zero(S);
    FloatVector s3 = FloatVector.zero(S);
    for (int p = 0; p < kv; p += L) {
      FloatVector x = FloatVector.fromArray(S, a, ai + p);
      s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
      s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
      s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
      s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
    }
    float t0 = sumLanes(s0);
    float t1 = sumLanes(s1);
    float t2 = sumLanes(s2);
    float t3 = sumLanes(s3);
    for (int p = kv; p < k; p++) {
      float x = a[ai + p];
      t0 = Math.fma(x, b[b0 + p], t0);
      t1 = Math.fma(x, b[b1 + p], t1);
      t2 = Math.fma(x, b[b2 + p], t2);
      t3 = Math.fma(x, b[b3 + p], t3);
    }
    if (accumulate) {
      c[ci] += t0;
      c[ci + 1] += t1;
      c[ci + 2] += t2;
      c[ci + 3] += t3;
    } else {
      c[ci] = t0;
      c[ci + 1] = t1;
      c[ci + 2] = t2;
      c[ci + 3] = t3;
    }
  }

  private static void dot1(int k, int kv, float[] a, int ai, float[] b, int b0, float[] c, int ci,
      boolean accumulate) {
    FloatVector s0 = FloatVector.zero(S);
    for (int p = 0; p < kv; p += L) {
      s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, b0 + p), s0);
    }
    float t0 = sumLanes(s0);
    for (int p = kv; p < k; p++) {
      t0 = Math.fma(a[ai + p], b[b0 + p], t0);
    }
    c[ci] = accumulate ? c[ci] + t0 : t0;
  }

  /**
   * A micro-kernel's starting accumulator: zero for the first block of k, else C. NOTE: a fresh
   * {@code FloatVector.zero(S)}, never a shared constant vector (here, in the dot products or anywhere
   * an accumulator starts): C2 merges two vector values through the
   * choice only when both are vectors it built, and with the constant object the accumulators
   * stayed boxed through the whole loop (measured at 1 GFLOP/s instead of 80).
   */
  private static FloatVector start(boolean first, float[] c, int off) {
    return first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, off);
  }

  // ---- generated by core/src/main/scripts/gen_micro_kernels.py: do not edit below ----

  @Override
  void fullTile(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int ldb,
      float[] c, int co, int ldc) {
    if (mr == 8) {
      k8x3(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    } else {
      k6x2(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    }
  }

  @Override
  void fullTilePackedA(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int ldb,
      float[] c, int co, int ldc) {
    if (mr == 8) {
      fullTile(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);  // the 8-row kernels take packed A as strided
    } else if (ldb == 2 * L) {
      k6x2Panels(first, kc, a, ao, b, bo, c, co, ldc);
    } else {
      k6x2Packed(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    }
  }

  @Override
  void fullRow(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int ldb,
      float[] c, int co, int ldc) {
    if (mr == 8) {
      k1x3(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    } else {
      k1x2(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    }
  }

  @Override
  void vectorTile(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int ldb,
      float[] c, int co, int ldc) {
    if (mr == 8) {
      k8x1(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    } else {
      k6x1(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    }
  }

  @Override
  void vectorTilePackedA(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int ldb,
      float[] c, int co, int ldc) {
    if (mr == 8) {
      vectorTile(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);  // the 8-row kernels take packed A as strided
    } else {
      k6x1Packed(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
    }
  }

  @Override
  void vectorRow(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int ldb,
      float[] c, int co, int ldc) {
    k1x1(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
  }

  @Override
  void remainderTilePackedA(int rows, boolean fullWidth, boolean first, int kc, float[] a, int ao,
      float[] b, int bo, int ldb, float[] c, int co, int ldc) {
    if (fullWidth) {
      switch (rows) {
        case 2 -> k2x2Packed(first, kc, a, ao, 1, 2, b, bo, ldb, c, co, ldc);
        case 3 -> k3x2Packed(first, kc, a, ao, 1, 3, b, bo, ldb, c, co, ldc);
        case 4 -> k4x2Packed(first, kc, a, ao, 1, 4, b, bo, ldb, c, co, ldc);
        case 5 -> k5x2Packed(first, kc, a, ao, 1, 5, b, bo, ldb, c, co, ldc);
        default -> throw new IllegalArgumentException("no remainder kernel for " + rows + " rows");
      }
    } else {
      switch (rows) {
        case 2 -> k2x1Packed(first, kc, a, ao, 1, 2, b, bo, ldb, c, co, ldc);
        case 3 -> k3x1Packed(first, kc, a, ao, 1, 3, b, bo, ldb, c, co, ldc);
        case 4 -> k4x1Packed(first, kc, a, ao, 1, 4, b, bo, ldb, c, co, ldc);
        case 5 -> k5x1Packed(first, kc, a, ao, 1, 5, b, bo, ldb, c, co, ldc);
        default -> throw new IllegalArgumentException("no remainder kernel for " + rows + " rows");
      }
    }
  }

  @Override
  void scalar(boolean first, int rows, int cols, int kc, float[] a, int ao, int ars, int aks,
      float[] b, int bo, int ldb, float[] c, int co, int ldc) {
    // NOTE: four rows (and two columns) at a time, four or eight independent chains side by side:
    // one chain alone waits out each fused multiply-add's latency, and the last columns of a width
    // that is not a whole number of vectors (float32 [100×100]·[100×100]: 4 of 100) took longer
    // than all the others together (bench/README.md, session N).
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      int a0 = ao + r * ars;
      int a1 = a0 + ars;
      int a2 = a1 + ars;
      int a3 = a2 + ars;
      int q = 0;
      for (; q + 2 <= cols; q += 2) {
        int c0 = co + r * ldc + q;
        float s00 = first ? 0f : c[c0];
        float s01 = first ? 0f : c[c0 + 1];
        float s10 = first ? 0f : c[c0 + ldc];
        float s11 = first ? 0f : c[c0 + ldc + 1];
        float s20 = first ? 0f : c[c0 + 2 * ldc];
        float s21 = first ? 0f : c[c0 + 2 * ldc + 1];
        float s30 = first ? 0f : c[c0 + 3 * ldc];
        float s31 = first ? 0f : c[c0 + 3 * ldc + 1];
        for (int p = 0; p < kc; p++) {
          int bp = bo + p * ldb + q;
          float b0 = b[bp];
          float b1 = b[bp + 1];
          int ap = p * aks;
          float x0 = a[a0 + ap];
          float x1 = a[a1 + ap];
          float x2 = a[a2 + ap];
          float x3 = a[a3 + ap];
          s00 = Math.fma(x0, b0, s00);
          s01 = Math.fma(x0, b1, s01);
          s10 = Math.fma(x1, b0, s10);
          s11 = Math.fma(x1, b1, s11);
          s20 = Math.fma(x2, b0, s20);
          s21 = Math.fma(x2, b1, s21);
          s30 = Math.fma(x3, b0, s30);
          s31 = Math.fma(x3, b1, s31);
        }
        c[c0] = s00;
        c[c0 + 1] = s01;
        c[c0 + ldc] = s10;
        c[c0 + ldc + 1] = s11;
        c[c0 + 2 * ldc] = s20;
        c[c0 + 2 * ldc + 1] = s21;
        c[c0 + 3 * ldc] = s30;
        c[c0 + 3 * ldc + 1] = s31;
      }
      for (; q < cols; q++) {
        int c0 = co + r * ldc + q;
        float s0 = first ? 0f : c[c0];
        float s1 = first ? 0f : c[c0 + ldc];
        float s2 = first ? 0f : c[c0 + 2 * ldc];
        float s3 = first ? 0f : c[c0 + 3 * ldc];
        for (int p = 0; p < kc; p++) {
          float bv = b[bo + p * ldb + q];
          int ap = p * aks;
          s0 = Math.fma(a[a0 + ap], bv, s0);
          s1 = Math.fma(a[a1 + ap], bv, s1);
          s2 = Math.fma(a[a2 + ap], bv, s2);
          s3 = Math.fma(a[a3 + ap], bv, s3);
        }
        c[c0] = s0;
        c[c0 + ldc] = s1;
        c[c0 + 2 * ldc] = s2;
        c[c0 + 3 * ldc] = s3;
      }
    }
    for (; r < rows; r++) {
      int ar = ao + r * ars;
      int cr = co + r * ldc;
      for (int q = 0; q < cols; q++) {
        float s = first ? 0f : c[cr + q];
        for (int p = 0; p < kc; p++) {
          s = Math.fma(a[ar + p * aks], b[bo + p * ldb + q], s);
        }
        c[cr + q] = s;
      }
    }
  }

  /** 8 rows × 3 vectors (see {@link BlockedMatMul#fullTile}). */
  static void k8x3(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    int c6 = co + 6 * ldc;
    int c7 = co + 7 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r02 = start(first, c, c0 + 2 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    FloatVector r12 = start(first, c, c1 + 2 * L);
    FloatVector r20 = start(first, c, c2);
    FloatVector r21 = start(first, c, c2 + 1 * L);
    FloatVector r22 = start(first, c, c2 + 2 * L);
    FloatVector r30 = start(first, c, c3);
    FloatVector r31 = start(first, c, c3 + 1 * L);
    FloatVector r32 = start(first, c, c3 + 2 * L);
    FloatVector r40 = start(first, c, c4);
    FloatVector r41 = start(first, c, c4 + 1 * L);
    FloatVector r42 = start(first, c, c4 + 2 * L);
    FloatVector r50 = start(first, c, c5);
    FloatVector r51 = start(first, c, c5 + 1 * L);
    FloatVector r52 = start(first, c, c5 + 2 * L);
    FloatVector r60 = start(first, c, c6);
    FloatVector r61 = start(first, c, c6 + 1 * L);
    FloatVector r62 = start(first, c, c6 + 2 * L);
    FloatVector r70 = start(first, c, c7);
    FloatVector r71 = start(first, c, c7 + 1 * L);
    FloatVector r72 = start(first, c, c7 + 2 * L);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    int a4 = ao + 4 * ars;
    int a5 = ao + 5 * ars;
    int a6 = ao + 6 * ars;
    int a7 = ao + 7 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11); r12 = x1.fma(b2, r12);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21); r22 = x2.fma(b2, r22);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31); r32 = x3.fma(b2, r32);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40); r41 = x4.fma(b1, r41); r42 = x4.fma(b2, r42);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50); r51 = x5.fma(b1, r51); r52 = x5.fma(b2, r52);
      FloatVector x6 = FloatVector.broadcast(S, a[a6 + ap]);
      r60 = x6.fma(b0, r60); r61 = x6.fma(b1, r61); r62 = x6.fma(b2, r62);
      FloatVector x7 = FloatVector.broadcast(S, a[a7 + ap]);
      r70 = x7.fma(b0, r70); r71 = x7.fma(b1, r71); r72 = x7.fma(b2, r72);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r02.intoArray(c, c0 + 2 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
    r12.intoArray(c, c1 + 2 * L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + 1 * L);
    r22.intoArray(c, c2 + 2 * L);
    r30.intoArray(c, c3);
    r31.intoArray(c, c3 + 1 * L);
    r32.intoArray(c, c3 + 2 * L);
    r40.intoArray(c, c4);
    r41.intoArray(c, c4 + 1 * L);
    r42.intoArray(c, c4 + 2 * L);
    r50.intoArray(c, c5);
    r51.intoArray(c, c5 + 1 * L);
    r52.intoArray(c, c5 + 2 * L);
    r60.intoArray(c, c6);
    r61.intoArray(c, c6 + 1 * L);
    r62.intoArray(c, c6 + 2 * L);
    r70.intoArray(c, c7);
    r71.intoArray(c, c7 + 1 * L);
    r72.intoArray(c, c7 + 2 * L);
  }

  /** 8 rows × 1 vector (see {@link BlockedMatMul#fullTile}). */
  static void k8x1(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    int c6 = co + 6 * ldc;
    int c7 = co + 7 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r10 = start(first, c, c1);
    FloatVector r20 = start(first, c, c2);
    FloatVector r30 = start(first, c, c3);
    FloatVector r40 = start(first, c, c4);
    FloatVector r50 = start(first, c, c5);
    FloatVector r60 = start(first, c, c6);
    FloatVector r70 = start(first, c, c7);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    int a4 = ao + 4 * ars;
    int a5 = ao + 5 * ars;
    int a6 = ao + 6 * ars;
    int a7 = ao + 7 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = p * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50);
      FloatVector x6 = FloatVector.broadcast(S, a[a6 + ap]);
      r60 = x6.fma(b0, r60);
      FloatVector x7 = FloatVector.broadcast(S, a[a7 + ap]);
      r70 = x7.fma(b0, r70);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
    r30.intoArray(c, c3);
    r40.intoArray(c, c4);
    r50.intoArray(c, c5);
    r60.intoArray(c, c6);
    r70.intoArray(c, c7);
  }

  /** 1 row × 3 vectors (see {@link BlockedMatMul#fullTile}). */
  static void k1x3(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r02 = start(first, c, c0 + 2 * L);
    int a0 = ao;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r02.intoArray(c, c0 + 2 * L);
  }

  /** 6 rows × 2 vectors (see {@link BlockedMatMul#fullTile}). */
  static void k6x2(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    FloatVector r20 = start(first, c, c2);
    FloatVector r21 = start(first, c, c2 + 1 * L);
    FloatVector r30 = start(first, c, c3);
    FloatVector r31 = start(first, c, c3 + 1 * L);
    FloatVector r40 = start(first, c, c4);
    FloatVector r41 = start(first, c, c4 + 1 * L);
    FloatVector r50 = start(first, c, c5);
    FloatVector r51 = start(first, c, c5 + 1 * L);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    int a4 = ao + 4 * ars;
    int a5 = ao + 5 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      int ap = p * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40); r41 = x4.fma(b1, r41);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50); r51 = x5.fma(b1, r51);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + 1 * L);
    r30.intoArray(c, c3);
    r31.intoArray(c, c3 + 1 * L);
    r40.intoArray(c, c4);
    r41.intoArray(c, c4 + 1 * L);
    r50.intoArray(c, c5);
    r51.intoArray(c, c5 + 1 * L);
  }

  /** 6 rows × 1 vector (see {@link BlockedMatMul#fullTile}). */
  static void k6x1(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r10 = start(first, c, c1);
    FloatVector r20 = start(first, c, c2);
    FloatVector r30 = start(first, c, c3);
    FloatVector r40 = start(first, c, c4);
    FloatVector r50 = start(first, c, c5);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    int a4 = ao + 4 * ars;
    int a5 = ao + 5 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = p * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
    r30.intoArray(c, c3);
    r40.intoArray(c, c4);
    r50.intoArray(c, c5);
  }

  /** 1 row × 2 vectors (see {@link BlockedMatMul#fullTile}). */
  static void k1x2(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    int a0 = ao;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      int ap = p * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
  }

  /** 1 row × 1 vector (see {@link BlockedMatMul#fullTile}). */
  static void k1x1(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    FloatVector r00 = start(first, c, c0);
    int a0 = ao;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = p * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
    }
    r00.intoArray(c, c0);
  }

  /** 6 rows × 2 vectors, A packed (6 values per step; {@code ars} and {@code aks} unused). */
  static void k6x2Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    FloatVector r20 = start(first, c, c2);
    FloatVector r21 = start(first, c, c2 + 1 * L);
    FloatVector r30 = start(first, c, c3);
    FloatVector r31 = start(first, c, c3 + 1 * L);
    FloatVector r40 = start(first, c, c4);
    FloatVector r41 = start(first, c, c4 + 1 * L);
    FloatVector r50 = start(first, c, c5);
    FloatVector r51 = start(first, c, c5 + 1 * L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      int ap = ao + p * 6;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21);
      FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31);
      FloatVector x4 = FloatVector.broadcast(S, a[ap + 4]);
      r40 = x4.fma(b0, r40); r41 = x4.fma(b1, r41);
      FloatVector x5 = FloatVector.broadcast(S, a[ap + 5]);
      r50 = x5.fma(b0, r50); r51 = x5.fma(b1, r51);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + 1 * L);
    r30.intoArray(c, c3);
    r31.intoArray(c, c3 + 1 * L);
    r40.intoArray(c, c4);
    r41.intoArray(c, c4 + 1 * L);
    r50.intoArray(c, c5);
    r51.intoArray(c, c5 + 1 * L);
  }

  /** 6 rows × 1 vector, A packed (6 values per step; {@code ars} and {@code aks} unused). */
  static void k6x1Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r10 = start(first, c, c1);
    FloatVector r20 = start(first, c, c2);
    FloatVector r30 = start(first, c, c3);
    FloatVector r40 = start(first, c, c4);
    FloatVector r50 = start(first, c, c5);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = ao + p * 6;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20);
      FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
      r30 = x3.fma(b0, r30);
      FloatVector x4 = FloatVector.broadcast(S, a[ap + 4]);
      r40 = x4.fma(b0, r40);
      FloatVector x5 = FloatVector.broadcast(S, a[ap + 5]);
      r50 = x5.fma(b0, r50);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
    r30.intoArray(c, c3);
    r40.intoArray(c, c4);
    r50.intoArray(c, c5);
  }

  /**
   * {@link #k6x2Packed} on a packed B panel too (steps 2 vectors apart): A and B each
   * advance by one running offset. NOTE: with offsets computed from p, C2 (JDK 17) kept 47
   * instructions per 12 FMAs in the float32 loop; with running offsets and a constant B stride,
   * 40 and no spills (bench/README.md, sessions H and I).
   */
  static void k6x2Panels(boolean first, int kc, float[] a, int ao, float[] b, int bo, float[] c, int co,
      int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    FloatVector r20 = start(first, c, c2);
    FloatVector r21 = start(first, c, c2 + 1 * L);
    FloatVector r30 = start(first, c, c3);
    FloatVector r31 = start(first, c, c3 + 1 * L);
    FloatVector r40 = start(first, c, c4);
    FloatVector r41 = start(first, c, c4 + 1 * L);
    FloatVector r50 = start(first, c, c5);
    FloatVector r51 = start(first, c, c5 + 1 * L);
    int bp = bo;
    for (int ap = ao, end = ao + 6 * kc; ap < end; ap += 6) {
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      bp += 2 * L;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21);
      FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31);
      FloatVector x4 = FloatVector.broadcast(S, a[ap + 4]);
      r40 = x4.fma(b0, r40); r41 = x4.fma(b1, r41);
      FloatVector x5 = FloatVector.broadcast(S, a[ap + 5]);
      r50 = x5.fma(b0, r50); r51 = x5.fma(b1, r51);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + 1 * L);
    r30.intoArray(c, c3);
    r31.intoArray(c, c3 + 1 * L);
    r40.intoArray(c, c4);
    r41.intoArray(c, c4 + 1 * L);
    r50.intoArray(c, c5);
    r51.intoArray(c, c5 + 1 * L);
  }

  /** 2 rows × 2 vectors, A packed (2 values per step; {@code ars} and {@code aks} unused). */
  static void k2x2Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      int ap = ao + p * 2;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
  }

  /** 2 rows × 1 vector, A packed (2 values per step; {@code ars} and {@code aks} unused). */
  static void k2x1Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r10 = start(first, c, c1);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = ao + p * 2;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
  }

  /** 3 rows × 2 vectors, A packed (3 values per step; {@code ars} and {@code aks} unused). */
  static void k3x2Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    FloatVector r20 = start(first, c, c2);
    FloatVector r21 = start(first, c, c2 + 1 * L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      int ap = ao + p * 3;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + 1 * L);
  }

  /** 3 rows × 1 vector, A packed (3 values per step; {@code ars} and {@code aks} unused). */
  static void k3x1Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r10 = start(first, c, c1);
    FloatVector r20 = start(first, c, c2);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = ao + p * 3;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
  }

  /** 4 rows × 2 vectors, A packed (4 values per step; {@code ars} and {@code aks} unused). */
  static void k4x2Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    FloatVector r20 = start(first, c, c2);
    FloatVector r21 = start(first, c, c2 + 1 * L);
    FloatVector r30 = start(first, c, c3);
    FloatVector r31 = start(first, c, c3 + 1 * L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      int ap = ao + p * 4;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21);
      FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + 1 * L);
    r30.intoArray(c, c3);
    r31.intoArray(c, c3 + 1 * L);
  }

  /** 4 rows × 1 vector, A packed (4 values per step; {@code ars} and {@code aks} unused). */
  static void k4x1Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r10 = start(first, c, c1);
    FloatVector r20 = start(first, c, c2);
    FloatVector r30 = start(first, c, c3);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = ao + p * 4;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20);
      FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
      r30 = x3.fma(b0, r30);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
    r30.intoArray(c, c3);
  }

  /** 5 rows × 2 vectors, A packed (5 values per step; {@code ars} and {@code aks} unused). */
  static void k5x2Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r01 = start(first, c, c0 + 1 * L);
    FloatVector r10 = start(first, c, c1);
    FloatVector r11 = start(first, c, c1 + 1 * L);
    FloatVector r20 = start(first, c, c2);
    FloatVector r21 = start(first, c, c2 + 1 * L);
    FloatVector r30 = start(first, c, c3);
    FloatVector r31 = start(first, c, c3 + 1 * L);
    FloatVector r40 = start(first, c, c4);
    FloatVector r41 = start(first, c, c4 + 1 * L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      int ap = ao + p * 5;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21);
      FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31);
      FloatVector x4 = FloatVector.broadcast(S, a[ap + 4]);
      r40 = x4.fma(b0, r40); r41 = x4.fma(b1, r41);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + 1 * L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + 1 * L);
    r30.intoArray(c, c3);
    r31.intoArray(c, c3 + 1 * L);
    r40.intoArray(c, c4);
    r41.intoArray(c, c4 + 1 * L);
  }

  /** 5 rows × 1 vector, A packed (5 values per step; {@code ars} and {@code aks} unused). */
  static void k5x1Packed(boolean first, int kc, float[] a, int ao, int ars, int aks, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    FloatVector r00 = start(first, c, c0);
    FloatVector r10 = start(first, c, c1);
    FloatVector r20 = start(first, c, c2);
    FloatVector r30 = start(first, c, c3);
    FloatVector r40 = start(first, c, c4);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int ap = ao + p * 5;
      FloatVector x0 = FloatVector.broadcast(S, a[ap]);
      r00 = x0.fma(b0, r00);
      FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
      r10 = x1.fma(b0, r10);
      FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
      r20 = x2.fma(b0, r20);
      FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
      r30 = x3.fma(b0, r30);
      FloatVector x4 = FloatVector.broadcast(S, a[ap + 4]);
      r40 = x4.fma(b0, r40);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
    r30.intoArray(c, c3);
    r40.intoArray(c, c4);
  }
}
