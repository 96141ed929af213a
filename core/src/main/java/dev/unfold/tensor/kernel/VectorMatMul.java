package dev.unfold.tensor.kernel;

import java.util.function.IntConsumer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products on the incubating Vector API (the preferred {@code DoubleVector} species):
 * Goto-style blocking with register-resident micro-kernels of 8 rows × 3 vectors (4 × 3 below
 * 512-bit vectors). Only {@link MatMul} calls this class, and only when
 * {@link Kernels#vectorized()}: loading it without the module {@code jdk.incubator.vector} fails.
 *
 * <p>Products of up to {@value #SMALL_N} rows (an RNN's batch) read both operands in place; taller
 * ones pack blocks of A and B into contiguous panels so they stay in cache (B is packed whenever
 * it is transposed, A only when C is wide enough to reuse its panels). Large products are
 * split over the columns of C into one part per thread, each part aligned to whole micro-panels,
 * so no reduction is ever split and every element is computed the same way for any thread
 * count. Each element is one fused multiply-add chain over k in index order (see {@link MatMul}).
 *
 * <p>NOTE: the micro-kernels are straight-line code with no branch in their loop: a branch
 * there can make C2 give up on the vector intrinsics (check with {@code -XX:+PrintInlining}).
 */
final class VectorMatMul {
  private VectorMatMul() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /**
   * Rows of the main micro-kernel. NOTE: 8 rows × 3 vectors need 24 accumulators + 3 B vectors +
   * 1 A broadcast, which fit AVX-512's 32 registers; narrower species (AVX2, 16 registers) get
   * 4 rows × 3 vectors so nothing spills.
   */
  private static final int MR = L >= 8 ? 8 : 4;
  /** Columns of the main micro-kernel: 3 vectors. */
  private static final int NR = 3 * L;
  /** Inner-dimension block; chosen by measurement (KC 128/256 × MC 64/128/256 × NC 8/32 panels, n = 1024). */
  private static final int KC = 256;
  /** Row block of packed A: MC × KC stays in L2. */
  private static final int MC = 64;
  /** Column block of packed B. */
  private static final int NC = 32 * NR;
  /** Below this many rows, {@code A·Bᵀ} runs as dot products (see {@link MatMul}). */
  static final int DOT_ROWS = 8;
  /** Below this many columns of C per thread, A is read in place however tall it is. */
  private static final int PACK_A_MIN_COLUMNS = 4 * NR;
  /** Up to this many rows, operands are read in place, with no packing. */
  static final int SMALL_N = 64;
  /** Products below this many flops run on one thread: waking another costs more than it saves. */
  static final long PARALLEL_FLOPS = 1L << 22;

  /** Packing buffers, one set per thread (kernel scratch, never visible outside). */
  private static final ThreadLocal<double[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new double[][] {new double[MC * KC], new double[KC * NC]});

  static int bits() {
    return S.vectorBitSize();
  }

  /**
   * {@code c[co…] = op(A)·op(B)} for one product, overwriting the {@code n·m} elements of C, or
   * with {@code accumulate} adding to them (each element's chain starts from its value in C).
   */
  static void multiply(int n, int k, int m, double[] a, int ao, boolean transA,
      double[] b, int bo, boolean transB, double[] c, int co, boolean accumulate) {
    if (n == 0 || m == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        java.util.Arrays.fill(c, co, co + n * m, 0.0);
      }
      return;
    }
    long flops = 2L * n * k * m;
    if (transB && !transA && n < DOT_ROWS) {
      // NOTE: a few rows against a transposed B (an RNN's input gradient at batch 1) is a set of
      // dot products; packing B would cost as much as the product itself.
      int parts = parts(flops, m, 4);
      Parallel.run(parts, part -> dots(n, k, m, a, ao, b, bo, c, co, accumulate, slice(part, parts, m, 4)));
      return;
    }
    int parts = parts(flops, m, NR);
    IntConsumer body = part -> {
      long range = slice(part, parts, m, NR);
      blocked(n, k, m, a, ao, transA, b, bo, transB, c, co, accumulate, (int) (range >>> 32), (int) range);
    };
    Parallel.run(parts, body);
  }

  /** How many parts to cut {@code width} columns into, in units of {@code unit} columns. */
  private static int parts(long flops, int width, int unit) {
    if (flops < PARALLEL_FLOPS) {
      return 1;
    }
    int units = (width + unit - 1) / unit;
    return Math.max(1, Math.min(Parallel.threads(), units));
  }

  /** Columns {@code [start, end)} of part {@code part}, packed as {@code start << 32 | end}. */
  private static long slice(int part, int parts, int width, int unit) {
    int units = (width + unit - 1) / unit;
    int start = Math.min(width, (int) ((long) units * part / parts) * unit);
    int end = Math.min(width, (int) ((long) units * (part + 1) / parts) * unit);
    return (long) start << 32 | end;
  }

  private static void dots(int n, int k, int m, double[] a, int ao, double[] b, int bo, double[] c, int co,
      boolean accumulate, long range) {
    int start = (int) (range >>> 32);
    int end = (int) range;
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
  private static double sumLanes(DoubleVector v) {
    double[] lanes = v.toArray();
    double s = 0;
    for (double x : lanes) {
      s += x;
    }
    return s;
  }

  /** Four dot products of one A row with four consecutive B rows. */
  private static void dot4(int k, int kv, double[] a, int ai, double[] b, int b0, double[] c, int ci,
      boolean accumulate) {
    int b1 = b0 + k;
    int b2 = b1 + k;
    int b3 = b2 + k;
    DoubleVector s0 = DoubleVector.zero(S);
    DoubleVector s1 = DoubleVector.zero(S);
    DoubleVector s2 = DoubleVector.zero(S);
    DoubleVector s3 = DoubleVector.zero(S);
    for (int p = 0; p < kv; p += L) {
      DoubleVector x = DoubleVector.fromArray(S, a, ai + p);
      s0 = x.fma(DoubleVector.fromArray(S, b, b0 + p), s0);
      s1 = x.fma(DoubleVector.fromArray(S, b, b1 + p), s1);
      s2 = x.fma(DoubleVector.fromArray(S, b, b2 + p), s2);
      s3 = x.fma(DoubleVector.fromArray(S, b, b3 + p), s3);
    }
    double t0 = sumLanes(s0);
    double t1 = sumLanes(s1);
    double t2 = sumLanes(s2);
    double t3 = sumLanes(s3);
    for (int p = kv; p < k; p++) {
      double x = a[ai + p];
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

  private static void dot1(int k, int kv, double[] a, int ai, double[] b, int b0, double[] c, int ci,
      boolean accumulate) {
    DoubleVector s0 = DoubleVector.zero(S);
    for (int p = 0; p < kv; p += L) {
      s0 = DoubleVector.fromArray(S, a, ai + p).fma(DoubleVector.fromArray(S, b, b0 + p), s0);
    }
    double t0 = sumLanes(s0);
    for (int p = kv; p < k; p++) {
      t0 = Math.fma(a[ai + p], b[b0 + p], t0);
    }
    c[ci] = accumulate ? c[ci] + t0 : t0;
  }

  /** Columns {@code [colStart, colEnd)} of C, blocked over k, rows and (when packing) columns. */
  private static void blocked(int n, int k, int m, double[] a, int ao, boolean transA,
      double[] b, int bo, boolean transB, double[] c, int co, boolean accumulate, int colStart, int colEnd) {
    if (colStart >= colEnd) {
      return;
    }
    // NOTE: packing A pays only when its panels are reused across many column panels; a narrow C
    // (an output layer's few classes) reads A in place, as packing would cost about as much as the product.
    boolean packA = n > SMALL_N && colEnd - colStart > PACK_A_MIN_COLUMNS;
    boolean packB = transB || n > SMALL_N;
    double[][] scratch = packA || packB ? SCRATCH.get() : null;
    int ars = transA ? 1 : k;
    int aks = transA ? n : 1;
    int ncMax = packB ? NC : colEnd - colStart;
    int mcMax = packA ? MC : n;
    for (int jc = colStart; jc < colEnd; jc += ncMax) {
      int nc = Math.min(ncMax, colEnd - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        if (packB) {
          packB(b, bo, transB, k, m, pc, kc, jc, nc, scratch[1]);
        }
        for (int ic = 0; ic < n; ic += mcMax) {
          int mc = Math.min(mcMax, n - ic);
          double[] ap;
          int apo;
          int pars;
          int paks;
          if (packA) {
            packA(a, ao, ars, aks, ic, mc, pc, kc, scratch[0]);
            ap = scratch[0];
            apo = 0;
            pars = -1;
            paks = -1;
          } else {
            ap = a;
            apo = ao + ic * ars + pc * aks;
            pars = ars;
            paks = aks;
          }
          int cBlock = co + ic * m + jc;
          boolean first = pc == 0 && !accumulate;
          if (packB) {
            macro(first, mc, kc, nc, ap, apo, pars, paks, scratch[1], 0, -1, c, cBlock, m);
          } else {
            macro(first, mc, kc, nc, ap, apo, pars, paks, b, bo + pc * m + jc, m, c, cBlock, m);
          }
        }
      }
    }
  }

  /**
   * One block: {@code mc} rows × {@code nc} columns of C over {@code kc} steps. A is packed when
   * {@code ars < 0} (row panels of MR, then single rows), else read with strides {@code ars, aks}.
   * B is packed when {@code ldb < 0} (column panels as laid out by {@link #packB}), else read
   * in place with row stride {@code ldb}. The {@code first} block of k overwrites C, later ones add to it.
   */
  private static void macro(boolean first, int mc, int kc, int nc, double[] a, int ao, int ars, int aks,
      double[] b, int bo, int ldb, double[] c, int co, int ldc) {
    for (int j = 0; j < nc; j += panelWidth(nc - j)) {
      for (int i = 0; i < mc; i += rowStep(i, mc)) {
        tile(first, i, mc, j, nc, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
      }
    }
  }

  /** Columns in the panel that starts {@code left} columns before the block's end: NR, then L, then the rest. */
  private static int panelWidth(int left) {
    return left >= NR ? NR : left >= L ? L : left;
  }

  /** Rows in the row group starting at {@code i}: MR while whole groups remain, then 1. */
  private static int rowStep(int i, int mc) {
    return i < mc - mc % MR ? MR : 1;
  }

  /** The micro-kernel call for rows {@code i…} × the panel at column {@code j} of a block (see {@link #macro}). */
  private static void tile(boolean first, int i, int mc, int j, int nc, int kc, double[] a, int ao, int ars, int aks,
      double[] b, int bo, int ldb, double[] c, int co, int ldc) {
    int width = panelWidth(nc - j);
    boolean eight = rowStep(i, mc) == MR;  // a whole group of MR rows
    // Packed B panels are laid out one after another, kc rows of their width each: the panel at
    // column j starts kc·j elements in.
    int panelLd = ldb < 0 ? width : ldb;
    int panelOff = ldb < 0 ? bo + kc * j : bo + j;
    int rowOff;
    int rs;
    int ks;
    if (ars < 0) {
      // Packed A: MR-row panels then single rows, kc steps each, so rows i… start kc·i elements in.
      rowOff = ao + i * kc;
      rs = 1;
      ks = eight ? MR : 1;
    } else {
      rowOff = ao + i * ars;
      rs = ars;
      ks = aks;
    }
    int cOff = co + i * ldc + j;
    // NOTE: the choice of kernel is made here, outside the kernels' loops, which stay branch-free.
    if (width == NR) {
      if (eight && MR == 8) {
        if (first) {
          k8x3z(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        } else {
          k8x3(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        }
      } else if (eight) {
        if (first) {
          k4x3z(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        } else {
          k4x3(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        }
      } else if (first) {
        k1x3z(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      } else {
        k1x3(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      }
    } else if (width == L) {
      if (eight && MR == 8) {
        if (first) {
          k8x1z(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        } else {
          k8x1(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        }
      } else if (eight) {
        if (first) {
          k4x1z(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        } else {
          k4x1(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
        }
      } else if (first) {
        k1x1z(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      } else {
        k1x1(kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      }
    } else {
      scalar(first, eight ? MR : 1, width, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
    }
  }

  /** Packs rows {@code [ic, ic+mc)} × k-range {@code [pc, pc+kc)} of op(A): panels of MR rows, then single rows. */
  private static void packA(double[] a, int ao, int ars, int aks, int ic, int mc, int pc, int kc, double[] dst) {
    int full = mc - mc % MR;
    int d = 0;
    for (int i = 0; i < full; i += MR) {
      int base = ao + (ic + i) * ars + pc * aks;
      for (int p = 0; p < kc; p++) {
        int src = base + p * aks;
        for (int r = 0; r < MR; r++) {
          dst[d++] = a[src + r * ars];
        }
      }
    }
    for (int i = full; i < mc; i++) {
      int base = ao + (ic + i) * ars + pc * aks;
      for (int p = 0; p < kc; p++) {
        dst[d++] = a[base + p * aks];
      }
    }
  }

  /**
   * Packs k-range {@code [pc, pc+kc)} × columns {@code [jc, jc+nc)} of op(B) as consecutive
   * column panels of width NR, then L, then the last few columns, each panel kc rows of its width.
   */
  private static void packB(double[] b, int bo, boolean transB, int k, int m, int pc, int kc, int jc, int nc,
      double[] dst) {
    int d = 0;
    int j = 0;
    while (j < nc) {
      int left = nc - j;
      int width = left >= NR ? NR : left >= L ? L : left;
      int col = jc + j;
      if (transB) {
        // op(B)[p, col + q] = B[col + q, p]: read each stored row along k, write with stride width.
        for (int q = 0; q < width; q++) {
          int src = bo + (col + q) * k + pc;
          for (int p = 0; p < kc; p++) {
            dst[d + p * width + q] = b[src + p];
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bo + (pc + p) * m + col, dst, d + p * width, width);
        }
      }
      d += kc * width;
      j += width;
    }
  }

  /** The last few columns (fewer than a vector), one fused multiply-add chain per element. */
  private static void scalar(boolean first, int rows, int cols, int kc, double[] a, int ao, int ars, int aks,
      double[] b, int bo, int ldb, double[] c, int co, int ldc) {
    for (int r = 0; r < rows; r++) {
      int ar = ao + r * ars;
      int cr = co + r * ldc;
      for (int q = 0; q < cols; q++) {
        double s = first ? 0.0 : c[cr + q];
        for (int p = 0; p < kc; p++) {
          s = Math.fma(a[ar + p * aks], b[bo + p * ldb + q], s);
        }
        c[cr + q] = s;
      }
    }
  }

  /** 8 rows × 3 vectors: C += op(A)·op(B) over {@code kc} steps. */
  private static void k8x3(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    int c6 = co + 6 * ldc;
    int c7 = co + 7 * ldc;
    DoubleVector r00 = DoubleVector.fromArray(S, c, c0);
    DoubleVector r01 = DoubleVector.fromArray(S, c, c0 + 1 * L);
    DoubleVector r02 = DoubleVector.fromArray(S, c, c0 + 2 * L);
    DoubleVector r10 = DoubleVector.fromArray(S, c, c1);
    DoubleVector r11 = DoubleVector.fromArray(S, c, c1 + 1 * L);
    DoubleVector r12 = DoubleVector.fromArray(S, c, c1 + 2 * L);
    DoubleVector r20 = DoubleVector.fromArray(S, c, c2);
    DoubleVector r21 = DoubleVector.fromArray(S, c, c2 + 1 * L);
    DoubleVector r22 = DoubleVector.fromArray(S, c, c2 + 2 * L);
    DoubleVector r30 = DoubleVector.fromArray(S, c, c3);
    DoubleVector r31 = DoubleVector.fromArray(S, c, c3 + 1 * L);
    DoubleVector r32 = DoubleVector.fromArray(S, c, c3 + 2 * L);
    DoubleVector r40 = DoubleVector.fromArray(S, c, c4);
    DoubleVector r41 = DoubleVector.fromArray(S, c, c4 + 1 * L);
    DoubleVector r42 = DoubleVector.fromArray(S, c, c4 + 2 * L);
    DoubleVector r50 = DoubleVector.fromArray(S, c, c5);
    DoubleVector r51 = DoubleVector.fromArray(S, c, c5 + 1 * L);
    DoubleVector r52 = DoubleVector.fromArray(S, c, c5 + 2 * L);
    DoubleVector r60 = DoubleVector.fromArray(S, c, c6);
    DoubleVector r61 = DoubleVector.fromArray(S, c, c6 + 1 * L);
    DoubleVector r62 = DoubleVector.fromArray(S, c, c6 + 2 * L);
    DoubleVector r70 = DoubleVector.fromArray(S, c, c7);
    DoubleVector r71 = DoubleVector.fromArray(S, c, c7 + 1 * L);
    DoubleVector r72 = DoubleVector.fromArray(S, c, c7 + 2 * L);
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
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bp + 1 * L);
      DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11); r12 = x1.fma(b2, r12);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21); r22 = x2.fma(b2, r22);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31); r32 = x3.fma(b2, r32);
      DoubleVector x4 = DoubleVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40); r41 = x4.fma(b1, r41); r42 = x4.fma(b2, r42);
      DoubleVector x5 = DoubleVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50); r51 = x5.fma(b1, r51); r52 = x5.fma(b2, r52);
      DoubleVector x6 = DoubleVector.broadcast(S, a[a6 + ap]);
      r60 = x6.fma(b0, r60); r61 = x6.fma(b1, r61); r62 = x6.fma(b2, r62);
      DoubleVector x7 = DoubleVector.broadcast(S, a[a7 + ap]);
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

  /** 8 rows × 3 vectors: C = op(A)·op(B) over {@code kc} steps. */
  private static void k8x3z(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    int c6 = co + 6 * ldc;
    int c7 = co + 7 * ldc;
    DoubleVector r00 = DoubleVector.zero(S);
    DoubleVector r01 = DoubleVector.zero(S);
    DoubleVector r02 = DoubleVector.zero(S);
    DoubleVector r10 = DoubleVector.zero(S);
    DoubleVector r11 = DoubleVector.zero(S);
    DoubleVector r12 = DoubleVector.zero(S);
    DoubleVector r20 = DoubleVector.zero(S);
    DoubleVector r21 = DoubleVector.zero(S);
    DoubleVector r22 = DoubleVector.zero(S);
    DoubleVector r30 = DoubleVector.zero(S);
    DoubleVector r31 = DoubleVector.zero(S);
    DoubleVector r32 = DoubleVector.zero(S);
    DoubleVector r40 = DoubleVector.zero(S);
    DoubleVector r41 = DoubleVector.zero(S);
    DoubleVector r42 = DoubleVector.zero(S);
    DoubleVector r50 = DoubleVector.zero(S);
    DoubleVector r51 = DoubleVector.zero(S);
    DoubleVector r52 = DoubleVector.zero(S);
    DoubleVector r60 = DoubleVector.zero(S);
    DoubleVector r61 = DoubleVector.zero(S);
    DoubleVector r62 = DoubleVector.zero(S);
    DoubleVector r70 = DoubleVector.zero(S);
    DoubleVector r71 = DoubleVector.zero(S);
    DoubleVector r72 = DoubleVector.zero(S);
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
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bp + 1 * L);
      DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11); r12 = x1.fma(b2, r12);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21); r22 = x2.fma(b2, r22);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31); r32 = x3.fma(b2, r32);
      DoubleVector x4 = DoubleVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40); r41 = x4.fma(b1, r41); r42 = x4.fma(b2, r42);
      DoubleVector x5 = DoubleVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50); r51 = x5.fma(b1, r51); r52 = x5.fma(b2, r52);
      DoubleVector x6 = DoubleVector.broadcast(S, a[a6 + ap]);
      r60 = x6.fma(b0, r60); r61 = x6.fma(b1, r61); r62 = x6.fma(b2, r62);
      DoubleVector x7 = DoubleVector.broadcast(S, a[a7 + ap]);
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

  /** 4 rows × 3 vectors: C += op(A)·op(B) over {@code kc} steps. */
  private static void k4x3(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    DoubleVector r00 = DoubleVector.fromArray(S, c, c0);
    DoubleVector r01 = DoubleVector.fromArray(S, c, c0 + 1 * L);
    DoubleVector r02 = DoubleVector.fromArray(S, c, c0 + 2 * L);
    DoubleVector r10 = DoubleVector.fromArray(S, c, c1);
    DoubleVector r11 = DoubleVector.fromArray(S, c, c1 + 1 * L);
    DoubleVector r12 = DoubleVector.fromArray(S, c, c1 + 2 * L);
    DoubleVector r20 = DoubleVector.fromArray(S, c, c2);
    DoubleVector r21 = DoubleVector.fromArray(S, c, c2 + 1 * L);
    DoubleVector r22 = DoubleVector.fromArray(S, c, c2 + 2 * L);
    DoubleVector r30 = DoubleVector.fromArray(S, c, c3);
    DoubleVector r31 = DoubleVector.fromArray(S, c, c3 + 1 * L);
    DoubleVector r32 = DoubleVector.fromArray(S, c, c3 + 2 * L);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bp + 1 * L);
      DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11); r12 = x1.fma(b2, r12);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21); r22 = x2.fma(b2, r22);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31); r32 = x3.fma(b2, r32);
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
  }

  /** 4 rows × 3 vectors: C = op(A)·op(B) over {@code kc} steps. */
  private static void k4x3z(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    DoubleVector r00 = DoubleVector.zero(S);
    DoubleVector r01 = DoubleVector.zero(S);
    DoubleVector r02 = DoubleVector.zero(S);
    DoubleVector r10 = DoubleVector.zero(S);
    DoubleVector r11 = DoubleVector.zero(S);
    DoubleVector r12 = DoubleVector.zero(S);
    DoubleVector r20 = DoubleVector.zero(S);
    DoubleVector r21 = DoubleVector.zero(S);
    DoubleVector r22 = DoubleVector.zero(S);
    DoubleVector r30 = DoubleVector.zero(S);
    DoubleVector r31 = DoubleVector.zero(S);
    DoubleVector r32 = DoubleVector.zero(S);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bp + 1 * L);
      DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10); r11 = x1.fma(b1, r11); r12 = x1.fma(b2, r12);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20); r21 = x2.fma(b1, r21); r22 = x2.fma(b2, r22);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30); r31 = x3.fma(b1, r31); r32 = x3.fma(b2, r32);
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
  }

  /** 4 rows × 1 vector: C += op(A)·op(B) over {@code kc} steps. */
  private static void k4x1(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    DoubleVector r00 = DoubleVector.fromArray(S, c, c0);
    DoubleVector r10 = DoubleVector.fromArray(S, c, c1);
    DoubleVector r20 = DoubleVector.fromArray(S, c, c2);
    DoubleVector r30 = DoubleVector.fromArray(S, c, c3);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
    r30.intoArray(c, c3);
  }

  /** 4 rows × 1 vector: C = op(A)·op(B) over {@code kc} steps. */
  private static void k4x1z(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    DoubleVector r00 = DoubleVector.zero(S);
    DoubleVector r10 = DoubleVector.zero(S);
    DoubleVector r20 = DoubleVector.zero(S);
    DoubleVector r30 = DoubleVector.zero(S);
    int a0 = ao;
    int a1 = ao + 1 * ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30);
    }
    r00.intoArray(c, c0);
    r10.intoArray(c, c1);
    r20.intoArray(c, c2);
    r30.intoArray(c, c3);
  }

  /** 1 row × 3 vectors: C += op(A)·op(B) over {@code kc} steps. */
  private static void k1x3(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    DoubleVector r00 = DoubleVector.fromArray(S, c, c0);
    DoubleVector r01 = DoubleVector.fromArray(S, c, c0 + 1 * L);
    DoubleVector r02 = DoubleVector.fromArray(S, c, c0 + 2 * L);
    int a0 = ao;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bp + 1 * L);
      DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r02.intoArray(c, c0 + 2 * L);
  }

  /** 1 row × 3 vectors: C = op(A)·op(B) over {@code kc} steps. */
  private static void k1x3z(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    DoubleVector r00 = DoubleVector.zero(S);
    DoubleVector r01 = DoubleVector.zero(S);
    DoubleVector r02 = DoubleVector.zero(S);
    int a0 = ao;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bp + 1 * L);
      DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00); r01 = x0.fma(b1, r01); r02 = x0.fma(b2, r02);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + 1 * L);
    r02.intoArray(c, c0 + 2 * L);
  }

  /** 8 rows × 1 vector: C += op(A)·op(B) over {@code kc} steps. */
  private static void k8x1(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    int c6 = co + 6 * ldc;
    int c7 = co + 7 * ldc;
    DoubleVector r00 = DoubleVector.fromArray(S, c, c0);
    DoubleVector r10 = DoubleVector.fromArray(S, c, c1);
    DoubleVector r20 = DoubleVector.fromArray(S, c, c2);
    DoubleVector r30 = DoubleVector.fromArray(S, c, c3);
    DoubleVector r40 = DoubleVector.fromArray(S, c, c4);
    DoubleVector r50 = DoubleVector.fromArray(S, c, c5);
    DoubleVector r60 = DoubleVector.fromArray(S, c, c6);
    DoubleVector r70 = DoubleVector.fromArray(S, c, c7);
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
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30);
      DoubleVector x4 = DoubleVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40);
      DoubleVector x5 = DoubleVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50);
      DoubleVector x6 = DoubleVector.broadcast(S, a[a6 + ap]);
      r60 = x6.fma(b0, r60);
      DoubleVector x7 = DoubleVector.broadcast(S, a[a7 + ap]);
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

  /** 8 rows × 1 vector: C = op(A)·op(B) over {@code kc} steps. */
  private static void k8x1z(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    int c1 = co + 1 * ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    int c4 = co + 4 * ldc;
    int c5 = co + 5 * ldc;
    int c6 = co + 6 * ldc;
    int c7 = co + 7 * ldc;
    DoubleVector r00 = DoubleVector.zero(S);
    DoubleVector r10 = DoubleVector.zero(S);
    DoubleVector r20 = DoubleVector.zero(S);
    DoubleVector r30 = DoubleVector.zero(S);
    DoubleVector r40 = DoubleVector.zero(S);
    DoubleVector r50 = DoubleVector.zero(S);
    DoubleVector r60 = DoubleVector.zero(S);
    DoubleVector r70 = DoubleVector.zero(S);
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
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
      DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + ap]);
      r10 = x1.fma(b0, r10);
      DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + ap]);
      r20 = x2.fma(b0, r20);
      DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + ap]);
      r30 = x3.fma(b0, r30);
      DoubleVector x4 = DoubleVector.broadcast(S, a[a4 + ap]);
      r40 = x4.fma(b0, r40);
      DoubleVector x5 = DoubleVector.broadcast(S, a[a5 + ap]);
      r50 = x5.fma(b0, r50);
      DoubleVector x6 = DoubleVector.broadcast(S, a[a6 + ap]);
      r60 = x6.fma(b0, r60);
      DoubleVector x7 = DoubleVector.broadcast(S, a[a7 + ap]);
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

  /** 1 row × 1 vector: C += op(A)·op(B) over {@code kc} steps. */
  private static void k1x1(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    DoubleVector r00 = DoubleVector.fromArray(S, c, c0);
    int a0 = ao;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
    }
    r00.intoArray(c, c0);
  }

  /** 1 row × 1 vector: C = op(A)·op(B) over {@code kc} steps. */
  private static void k1x1z(int kc, double[] a, int ao, int ars, int aks, double[] b, int bo, int ldb,
      double[] c, int co, int ldc) {
    int c0 = co;
    DoubleVector r00 = DoubleVector.zero(S);
    int a0 = ao;
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
      int ap = p * aks;
      DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ap]);
      r00 = x0.fma(b0, r00);
    }
    r00.intoArray(c, c0);
  }
}
