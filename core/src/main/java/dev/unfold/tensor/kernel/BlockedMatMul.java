package dev.unfold.tensor.kernel;

/**
 * The element-type-independent half of the SIMD matrix products: the split over threads, the
 * Goto-style loops over blocks of k, rows and columns, packing, and the choice of micro-kernel per tile.
 * A subclass per element type ({@link DoubleVectorMatMul}, {@link FloatVectorMatMul}) supplies the
 * rest: the register-resident micro-kernels, the dot products and element copies. This class names no
 * {@code jdk.incubator.vector} type.
 *
 * <p>Products of up to {@value #SMALL_N} rows (an RNN's batch) read B in place (or a packed copy of
 * the whole of op(B) that the caller keeps, see {@link #packWhole}) unless A or B is transposed (A
 * is in a weight gradient), or B's rows lie far enough apart to collide in L1 and there are rows
 * enough to reuse a packed copy ({@link #packsFewRowB}), and A too unless the micro-kernels ask for
 * packed A ({@code packFewRows}: the 16-register set, whose packed-A kernels address A from one
 * index); taller ones pack blocks of A and B into contiguous panels so they stay in cache (B is
 * packed whenever it is transposed, A only when C is wide enough to reuse its panels). Large
 * products are split into one part per thread, over the columns of C aligned to whole micro-panels,
 * or over its rows in whole micro-kernel row groups when C is packed and taller than wide (see
 * {@link #splitRows}), so no reduction is ever split and every element is computed the same way for
 * any thread count. Each element is one fused multiply-add chain over k in index order (see
 * {@link MatMul}): a later block of k reloads the exact partial sum the earlier one stored. A weight's
 * gradient over the steps of a sequence, {@code Σ_t A_tᵀ·B_t}, runs as one product whose packing
 * reads the steps' blocks in place ({@link #multiplyAddStacked}).
 *
 * @param <T> the array type, {@code double[]} or {@code float[]}
 */
abstract class BlockedMatMul<T> {
  /** Below this many rows, {@code A·Bᵀ} runs as dot products (see {@link MatMul}). */
  static final int DOT_ROWS = 8;
  /** Up to this many rows, operands are read in place, with no packing. */
  static final int SMALL_N = 64;
  /**
   * Products below this many flops run on one thread: handing part of one to the spinning worker
   * costs more than it saves. NOTE: 4 MFLOP until session N, from when waking a parked worker cost
   * about 29 µs. With the spinning handoff ({@link Parallel}), 1 MFLOP made products of 1–4 MFLOP
   * 1.3–2× faster ([8…31×256]·[256×256] float64 22–24 → 32–41 GFLOP/s, float32 44–52 → 60–75) and
   * training steps with such products 6–13% faster (batch 16, hidden 128: float64 LSTM
   * 32.8 → 28.5 ms, GRU 26.7 → 24.9; float32 LSTM 17.9 → 16.7), with the small steps unchanged.
   * Lower thresholds (256K, 64K flops) sped up such products alone but made the small float32
   * RNN step slower (0.60 → 0.68 ms): its head and weight-gradient products (0.3–0.5 MFLOP) then
   * went to the worker (BuildComparison, bench/README.md, session N).
   */
  static final long PARALLEL_FLOPS = 1L << 20;
  /** Balanced parts ({@link #balancedParts}) carry at least half this many flops each. */
  static final long PART_FLOPS = 1L << 22;
  /**
   * Steps of k per pass over the panels when A is transposed (each step of a panel is then a run
   * of consecutive elements, rows of the source apart). NOTE: panel after panel over all kc steps
   * read every source line once per panel it feeds, pages apart, and missed the caches; eight
   * steps at a time over all panels keep those lines in L1 until every panel has taken its run.
   * [256×1600]ᵀ·[1600×256] float64 went 25.8 → 30.0 GFLOP/s (16 steps: +8%, 32: −4%), the std
   * float64 RNN step 48.7 → 43.1 ms (bench/README.md, session J).
   */
  static final int RUN_CHUNK = 8;
  /** Columns of C per part of the dot-product path. */
  private static final int DOT_COLUMNS = 4;

  /** Lanes of one vector. */
  final int lanes;
  /** Bytes of one element: 8 or 4. */
  private final int elementBytes;
  /** Rows of the main micro-kernel: 8 with 32 vector registers, else 6 (see the subclasses). */
  final int mr;
  /** Columns of the main micro-kernel: 3 vectors with 32 registers, else 2. */
  final int nr;
  /** Inner-dimension block. */
  final int kBlock;
  /** Row block of packed A: {@code rowBlock × kBlock} stays in L2. */
  final int rowBlock;
  /** Column block of packed B. */
  final int colBlock;
  /**
   * Up to this many columns of C per thread (three main panels), A is read in place however tall
   * it is. NOTE: four panels until session I; once packed panels had their own kernel, packing A
   * for a 64-class output layer in float32 (four panels) made its products 14–35% faster and the
   * std float32 RNN step 11% (bench/README.md).
   */
  private final int packAMinColumns;
  /**
   * Whether A is packed for wide C even with at most {@value #SMALL_N} rows (but at least one
   * row group), for micro-kernels that run faster on packed A (see the subclasses). Such a set
   * also has {@link #remainderTilePackedA} kernels: packed A then keeps the rows after the last
   * whole group of mr as one panel rather than as single rows for the one-row kernels.
   */
  private final boolean packFewRows;

  BlockedMatMul(int lanes, int elementBytes, int mr, int nrVectors, int kBlock, int rowBlock, int colPanels,
      boolean packFewRows) {
    this.lanes = lanes;
    this.elementBytes = elementBytes;
    this.mr = mr;
    this.nr = nrVectors * lanes;
    this.packFewRows = packFewRows;
    this.kBlock = kBlock;
    this.rowBlock = rowBlock;
    this.colBlock = colPanels * nr;
    this.packAMinColumns = 3 * nr;
  }

  /**
   * {@code c[co…] = op(A)·op(B)} for one product, overwriting the {@code n·m} elements of C, or
   * with {@code accumulate} adding to them (each element's chain starts from its value in C).
   */
  final void multiply(int n, int k, int m, T a, int ao, boolean transA,
      T b, int bo, boolean transB, T c, int co, boolean accumulate) {
    multiply(n, k, m, a, ao, transA, b, bo, transB, null, c, co, accumulate);
  }

  /**
   * {@link #multiply} with op(B) also given as {@code packedB}, laid out by {@link #packWhole}, or
   * null. The packed form is read instead of B where B would otherwise be read in place.
   */
  final void multiply(int n, int k, int m, T a, int ao, boolean transA,
      T b, int bo, boolean transB, T packedB, T c, int co, boolean accumulate) {
    if (n == 0 || m == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        zero(c, co, co + n * m);
      }
      return;
    }
    long flops = 2L * n * k * m;
    if (transB && !transA && n < DOT_ROWS && packedB == null) {
      // NOTE: a few rows against a transposed B (an RNN's input gradient at batch 1) is a set of
      // dot products; packing B would cost as much as the product itself.
      int parts = parts(flops, m, DOT_COLUMNS);
      Parallel.run(parts, part -> {
        long range = slice(part, parts, m, DOT_COLUMNS);
        dots(n, k, m, a, ao, b, bo, c, co, accumulate, (int) (range >>> 32), (int) range);
      });
      return;
    }
    int ars = transA ? 1 : k;
    int aks = transA ? n : 1;
    inParts(n, k, m, false, packedB == null,
        (shared, to, p, parts, pc, kc) -> packABlock(a, ao, ars, aks, n, pc, kc, shared, to, p, parts),
        (rowStart, rowEnd, colStart, colEnd, pcStart, pcEnd, sharedA) -> blocked(n, k, m, a, ao, transA, b, bo,
            transB, packedB, null, sharedA, c, co, accumulate, rowStart, rowEnd, colStart, colEnd, pcStart, pcEnd));
  }

  /**
   * A part of C: rows {@code [rowStart, rowEnd)} × columns {@code [colStart, colEnd)}, over the
   * steps {@code [pcStart, pcEnd)} of k (whole blocks of k), reading A from {@code sharedA} when
   * it is not null (that range of k packed by {@link SharedPacker}: block after block of k, each
   * laid out as {@link #packABlock}).
   */
  @FunctionalInterface
  private interface Part<T> {
    void run(int rowStart, int rowEnd, int colStart, int colEnd, int pcStart, int pcEnd, T sharedA);
  }

  /**
   * Packs part {@code part} of {@code parts} of the block of k at {@code pc} of op(A) into
   * {@code dst} from {@code to} on (see {@link #packABlock}).
   */
  @FunctionalInterface
  private interface SharedPacker<T> {
    void pack(T dst, int to, int part, int parts, int pc, int kc);
  }

  /**
   * Runs {@code part} on the parts of an [n×m] product over k: bands of rows when
   * {@link #splitRows}, else of columns, in whole micro-kernel groups. When every column band
   * would pack all of A itself, A is packed once and all bands read it: by the threads together,
   * one block of k at a time, when it is large ({@link #sharesPackedA}), else by the caller when
   * k is a single block. Bands that cost little beyond their own share (a small A the caller
   * packed, or row bands reading a B packed beforehand) are cut finer than one per thread
   * ({@link #balancedParts}), and the threads claim them as they go (see {@link Parallel}); the
   * others are one per thread.
   *
   * @param bandsPackB whether each row band would pack B itself
   */
  private void inParts(int n, int k, int m, boolean stacked, boolean bandsPackB, SharedPacker<T> packer,
      Part<T> part) {
    long flops = 2L * n * k * m;
    if (splitRows(n, m)) {
      int parts = bandsPackB ? parts(flops, n, mr) : balancedParts(flops, n, mr);
      Parallel.run(parts, p -> {
        long range = slice(p, parts, n, mr);
        part.run((int) (range >>> 32), (int) range, 0, m, 0, k, null);
      });
      return;
    }
    int parts = parts(flops, m, nr);
    if (!everyBandPacksA(n, m, parts, stacked)) {
      columnBands(parts, n, m, 0, k, null, part);
      return;
    }
    if (!sharesPackedA(n, k, parts)) {
      int bands = balancedParts(flops, m, nr);
      if (k <= kBlock && bands > parts) {
        // NOTE: a per-step product ([32×256]·[256×768] in a GRU step) packs its small A in a few
        // microseconds; packed here once, the bands can be cut finer without packing it again
        // (6 bands: float64 38.6 → 42.6 GFLOP/s, float32 76.2 → 79.8; BuildComparison, session K).
        T shared = sharedScratch(n * k);
        packer.pack(shared, 0, 0, 1, 0, k);
        columnBands(bands, n, m, 0, k, shared, part);
      } else {
        columnBands(parts, n, m, 0, k, null, part);
      }
      return;
    }
    // NOTE: one band per thread from here on. Every band streams the whole shared block of A
    // again, and finer bands made [256×1600]ᵀ·[1600×256] slower: float64 28.7 GFLOP/s with 2
    // bands, 26.0 with 4, 22.5 with 8 (BuildComparison, session K).
    if ((long) n * k <= SHARED_A_WHOLE_MAX) {
      // All of A packed in one call, then all of the product in one: two handoffs instead of two
      // per block of k, each of which waited for the slower thread.
      T shared = sharedScratch(n * k);
      // NOTE: with at least one block of k per thread, each thread packs whole blocks, so each
      // reads only its share of A (with every thread packing every parts-th panel of every block,
      // each read all of it: the shared packing of a [64×1600]ᵀ·[1600×256] float64 product took
      // 193 µs of its 1.9 ms); with fewer blocks, the threads split each block's panels.
      int blocks = (k + kBlock - 1) / kBlock;
      boolean byBlocks = blocks >= parts;
      Parallel.run(parts, p -> {
        int first = byBlocks ? blocks * p / parts : 0;
        int end = byBlocks ? blocks * (p + 1) / parts : blocks;
        for (int bi = first; bi < end; bi++) {
          int pc = bi * kBlock;
          packer.pack(shared, n * pc, byBlocks ? 0 : p, byBlocks ? 1 : parts, pc, Math.min(kBlock, k - pc));
        }
      });
      columnBands(parts, n, m, 0, k, shared, part);
      return;
    }
    T shared = sharedScratch(n * Math.min(k, kBlock));
    for (int pc = 0; pc < k; pc += kBlock) {
      int from = pc;
      int kc = Math.min(kBlock, k - pc);
      Parallel.run(parts, p -> packer.pack(shared, 0, p, parts, from, kc));
      columnBands(parts, n, m, from, from + kc, shared, part);
    }
  }

  /** Runs {@code part} on {@code bands} column bands of C, all rows, over steps {@code [pcStart, pcEnd)} of k. */
  private void columnBands(int bands, int n, int m, int pcStart, int pcEnd, T sharedA, Part<T> part) {
    Parallel.run(bands, p -> {
      long range = slice(p, bands, m, nr);
      part.run(0, n, (int) (range >>> 32), (int) range, pcStart, pcEnd, sharedA);
    });
  }

  /**
   * Elements of a shared A up to which it is packed whole before the product rather than one
   * block of k at a time (a std LSTM's recurrent weight gradient: 256 × 1600).
   */
  static final int SHARED_A_WHOLE_MAX = 1 << 19;

  /**
   * Whether the threads pack a product's A together, one block of k at a time, for column bands
   * that all pack it ({@link #everyBandPacksA}): more than one band and A big enough
   * ({@value #SHARED_A_MIN} elements) that packing it once per thread costs more than the extra
   * handoffs. NOTE: in a std RNN step's weight gradients ([256×1600]ᵀ·[1600×256] float32 on two
   * threads) packing took 40% of the samples, most of it both threads packing all of A
   * (bench/README.md, session I).
   */
  private static boolean sharesPackedA(int n, int k, int parts) {
    return parts >= 2 && (long) n * k >= SHARED_A_MIN;
  }

  /** Whether each of {@code parts} column bands of a product would pack all of A itself. */
  private boolean everyBandPacksA(int n, int m, int parts, boolean stacked) {
    if (parts < 2) {
      return false;
    }
    for (int p = 0; p < parts; p++) {
      long range = slice(p, parts, m, nr);
      if (!packsA(n, (int) range - (int) (range >>> 32), stacked)) {
        return false;
      }
    }
    return true;
  }

  /** Elements of A below which the threads do not share its packed copy (see {@link #sharesPackedA}). */
  static final int SHARED_A_MIN = 1 << 15;

  /**
   * Whether a part {@code width} columns wide packs A. NOTE: packing A pays only when its panels
   * are reused across many column panels; a narrow C (an output layer's few classes) reads A in
   * place, as packing would cost about as much as the product.
   */
  private boolean packsA(int n, int width, boolean stacked) {
    return stacked || (n > SMALL_N || packFewRows && n >= mr) && width > packAMinColumns;
  }

  /**
   * {@code c[n×m] += Σ_s A_sᵀ·B_s} for row blocks {@code A_s = a[s]} [rows[s] × n] and
   * {@code B_s = b[s]} [rows[s] × m], row-major: the product Aᵀ·B of the blocks stacked along k,
   * without stacking them. Packing gathers each step of k from its block, so the result has the
   * bits of {@link #multiply} on stacked copies.
   */
  final void multiplyAddStacked(int n, int m, T[] a, T[] b, int[] rows, T c) {
    Stack<T> stack = Stack.of(a, b, rows);
    int k = stack.k();
    if (n == 0 || m == 0 || k == 0) {
      return;
    }
    inParts(n, k, m, true, true,
        (shared, to, p, parts, pc, kc) -> packAStackedBlock(stack, n, pc, kc, shared, to, p, parts),
        (rowStart, rowEnd, colStart, colEnd, pcStart, pcEnd, sharedA) -> blocked(n, k, m, null, 0, true, null, 0,
            false, null, stack, sharedA, c, 0, true, rowStart, rowEnd, colStart, colEnd, pcStart, pcEnd));
  }

  /**
   * Row blocks of A and B stacked along k (see {@link #multiplyAddStacked}): step p of k is row
   * {@code p − start[s]} of block s, where {@code start[s] ≤ p < start[s + 1]}.
   */
  private record Stack<T>(T[] a, T[] b, int[] start) {
    static <T> Stack<T> of(T[] a, T[] b, int[] rows) {
      int[] start = new int[rows.length + 1];
      for (int s = 0; s < rows.length; s++) {
        start[s + 1] = start[s] + rows[s];
      }
      return new Stack<>(a, b, start);
    }

    int k() {
      return start[start.length - 1];
    }

    /** The block holding step p, searching forward from block s, which holds a step at or before p. */
    int blockFrom(int s, int p) {
      while (p >= start[s + 1]) {
        s++;
      }
      return s;
    }

    /** The block holding step p. */
    int block(int p) {
      int s = java.util.Arrays.binarySearch(start, p);
      // An exact hit may be the start of empty blocks too: take the last block starting at p.
      if (s >= 0) {
        while (s + 1 < start.length - 1 && start[s + 1] == p) {
          s++;
        }
        return s;
      }
      return -s - 2;
    }
  }

  /**
   * Whether threads take bands of rows of C rather than of columns: for packed products taller
   * than wide. Each thread then packs B, the smaller operand, itself, and a few columns (an output
   * layer's 64 classes: 3 vectors + 1 in float32) are not cut into unequal parts of unequal speed.
   */
  static boolean splitRows(int n, int m) {
    return n > SMALL_N && n > m;
  }

  /** How many parts to cut {@code width} columns into, in units of {@code unit} columns. */
  static int parts(long flops, int width, int unit) {
    if (flops < PARALLEL_FLOPS) {
      return 1;
    }
    int units = (width + unit - 1) / unit;
    return Math.max(1, Math.min(Parallel.threads(), units));
  }

  /**
   * {@link #parts}, but up to {@link Parallel#PARTS_PER_THREAD} per thread, each at least
   * {@link #PART_FLOPS} / 2 when there are more parts than threads.
   */
  static int balancedParts(long flops, int width, int unit) {
    if (flops < PARALLEL_FLOPS) {
      return 1;
    }
    int units = (width + unit - 1) / unit;
    long most = Math.min((long) Parallel.threads() * Parallel.PARTS_PER_THREAD,
        Math.max(Parallel.threads(), 2 * flops / PART_FLOPS));
    return (int) Math.max(1, Math.min(units, most));
  }

  /** Columns {@code [start, end)} of part {@code part}, packed as {@code start << 32 | end}. */
  static long slice(int part, int parts, int width, int unit) {
    int units = (width + unit - 1) / unit;
    int start = Math.min(width, (int) ((long) units * part / parts) * unit);
    int end = Math.min(width, (int) ((long) units * (part + 1) / parts) * unit);
    return (long) start << 32 | end;
  }

  /**
   * Rows {@code [rowStart, rowEnd)} × columns {@code [colStart, colEnd)} of C over the steps
   * {@code [pcStart, pcEnd)} of k, blocked over k, rows and (when packing) columns. Whether to pack
   * depends on the whole product, not the part. With a {@code stack} (then A and B are null,
   * transA set), both operands are packed from its blocks. With {@code sharedA}, that range of k
   * of all of op(A) is already packed, block after block of k (the block at pc starts
   * {@code n·(pc − pcStart)} elements in), each laid out as {@link #packABlock}.
   */
  private void blocked(int n, int k, int m, T a, int ao, boolean transA, T b, int bo, boolean transB,
      T packedB, Stack<T> stack, T sharedA, T c, int co, boolean accumulate, int rowStart, int rowEnd,
      int colStart, int colEnd, int pcStart, int pcEnd) {
    if (colStart >= colEnd || rowStart >= rowEnd) {
      return;
    }
    boolean packA = sharedA == null && packsA(n, colEnd - colStart, stack != null);
    // NOTE: B is packed for a transposed A too, however few its rows: such a product is a weight
    // gradient (k runs over the batch and the steps), and B's rows read in place, m apart, missed
    // L1 (a GRU's [64×1600]ᵀ·[1600×768] input weight gradient: 15.2 → 20.9 GFLOP/s in float64,
    // 33.7 → 41.5 in float32, packed; bench/README.md, session I).
    boolean packB = stack != null || (transB || transA || n > SMALL_N || packsFewRowB(n, m)) && packedB == null;
    T[] scratch = packA || packB ? scratch() : null;
    int ars = transA ? 1 : k;
    int aks = transA ? n : 1;
    int ncMax = packB ? colBlock : colEnd - colStart;
    int mcMax = packA || sharedA != null ? rowBlock : n;
    for (int jc = colStart; jc < colEnd; jc += ncMax) {
      int nc = Math.min(ncMax, colEnd - jc);
      for (int pc = pcStart; pc < pcEnd; pc += kBlock) {
        int kc = Math.min(kBlock, k - pc);
        if (stack != null) {
          packBStacked(stack, m, pc, kc, jc, nc, scratch[1]);
        } else if (packB) {
          packB(b, bo, transB, k, m, pc, kc, jc, nc, scratch[1]);
        }
        for (int ic = rowStart; ic < rowEnd; ic += mcMax) {
          int mc = Math.min(mcMax, rowEnd - ic);
          int cBlock = co + ic * m + jc;
          boolean first = pc == 0 && !accumulate;
          T ap;
          int apo;
          int pars;
          int paks;
          if (sharedA != null) {
            ap = sharedA;
            apo = n * (pc - pcStart) + ic * kc;
            pars = -1;
            paks = -1;
          } else if (stack != null) {
            packAStacked(stack, n, ic, mc, pc, kc, scratch[0], 0, 0, 1);
            ap = scratch[0];
            apo = 0;
            pars = -1;
            paks = -1;
          } else if (packA) {
            packA(a, ao, ars, aks, ic, mc, pc, kc, scratch[0], 0, 0, 1);
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
          if (packedB != null) {
            // NOTE: the whole op(B) is packed; the block's panels start at column jc (a whole
            // number of full panels in), step pc of each.
            macro(first, mc, kc, nc, ap, apo, pars, paks, packedB, k * jc, -k, pc, c, cBlock, m);
          } else if (packB) {
            macro(first, mc, kc, nc, ap, apo, pars, paks, scratch[1], 0, -kc, 0, c, cBlock, m);
          } else {
            macro(first, mc, kc, nc, ap, apo, pars, paks, b, bo + pc * m + jc, m, 0, c, cBlock, m);
          }
        }
      }
    }
  }

  /**
   * Row groups from which a product of up to {@value #SMALL_N} rows packs an untransposed B that is
   * not packed already, when B's rows lie at least {@value #PACK_B_ROW_BYTES} bytes apart (see
   * {@link #packsFewRowB}).
   */
  private static final int PACK_B_MIN_GROUPS = 4;
  /** Row stride of B, in bytes, from which few-row products pack it (see {@link #packsFewRowB}). */
  private static final int PACK_B_ROW_BYTES = 4096;

  /**
   * Whether a product of up to {@value #SMALL_N} rows packs its untransposed B rather than read it
   * in place. NOTE: in place, a column panel's rows lie m elements apart; from 4 KB apart they share
   * a few L1 sets and evict each other before the next row group reads them again. With four or
   * more row groups, packing B (each thread its own columns) paid for itself, measured alternating
   * in one JVM (medians of 10 windows): [32×320]·[320×1024] float64 23.6 → 32.2 GFLOP/s, float32
   * 53.9 → 62.7; [64×320]·[320×1024] float64 25.1 → 35.1, float32 52.2 → 69.1;
   * [24×320]·[320×1024] float64 28.0 → 30.8, float32 54.8 → 65.4. With fewer groups it did not
   * ([12×320]·[320×1024] float64 26.1 → 23.0), nor with rows 1 KB apart ([32×256]·[256×256]
   * float32 62.3 → 53.6). A recurrent weight read at every step is packed once instead
   * ({@link MatMul#prefersPackedB}); this is for products whose B changes from call to call.
   */
  private boolean packsFewRowB(int n, int m) {
    return n >= PACK_B_MIN_GROUPS * mr && (long) m * elementBytes >= PACK_B_ROW_BYTES;
  }

  /**
   * One block: {@code mc} rows × {@code nc} columns of C over {@code kc} steps. A is packed when
   * {@code ars < 0} (row panels of {@link #mr}, then single rows), else read with strides
   * {@code ars, aks}. B is packed when {@code ldb < 0} (column panels as laid out by
   * {@link #packB}), else read in place with row stride {@code ldb}. The {@code first} block of
   * k overwrites C, later ones add to it.
   */
  private void macro(boolean first, int mc, int kc, int nc, T a, int ao, int ars, int aks,
      T b, int bo, int ldb, int pk, T c, int co, int ldc) {
    for (int j = 0; j < nc; j += panelWidth(nc - j)) {
      for (int i = 0; i < mc; i += rowStep(i, mc, ars < 0)) {
        tile(first, i, mc, j, nc, kc, a, ao, ars, aks, b, bo, ldb, pk, c, co, ldc);
      }
    }
  }

  /** Columns in the panel that starts {@code left} columns before the block's end: nr, then one vector, then the rest. */
  final int panelWidth(int left) {
    return left >= nr ? nr : left >= lanes ? lanes : left;
  }

  /**
   * Rows in the row group starting at {@code i}: mr while whole groups remain, then the rest in
   * one group when A is packed and the subclass has {@link #remainderTilePackedA} kernels, else 1.
   */
  private int rowStep(int i, int mc, boolean packedA) {
    int full = mc - mc % mr;
    return i < full ? mr : packedA && packFewRows ? mc - full : 1;
  }

  /** The micro-kernel call for rows {@code i…} × the panel at column {@code j} of a block (see {@link #macro}). */
  private void tile(boolean first, int i, int mc, int j, int nc, int kc, T a, int ao, int ars, int aks,
      T b, int bo, int ldb, int pk, T c, int co, int ldc) {
    int width = panelWidth(nc - j);
    int rows = rowStep(i, mc, ars < 0);
    boolean group = rows == mr;  // a whole group of mr rows
    // Packed B panels are laid out one after another, -ldb rows of their width each: the panel at
    // column j starts -ldb·j elements in, and its step pk (where this block of k starts) pk·width further.
    int panelLd = ldb < 0 ? width : ldb;
    int panelOff = ldb < 0 ? bo - ldb * j + pk * width : bo + j;
    int rowOff;
    int rs;
    int ks;
    if (ars < 0) {
      // Packed A: mr-row panels, then the rest as one panel or single rows, kc steps each, so
      // rows i… start kc·i elements in.
      rowOff = ao + i * kc;
      rs = 1;
      ks = rows;
    } else {
      rowOff = ao + i * ars;
      rs = ars;
      ks = aks;
    }
    int cOff = co + i * ldc + j;
    // NOTE: the choice of kernel is made here, outside the kernels' loops, which stay branch-free.
    if (rows > 1 && !group && width >= lanes) {
      remainderTilePackedA(rows, width == nr, first, kc, a, rowOff, b, panelOff, panelLd, c, cOff, ldc);
    } else if (width == nr) {
      if (!group) {
        fullRow(first, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      } else if (ars < 0) {
        fullTilePackedA(first, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      } else {
        fullTile(first, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      }
    } else if (width == lanes) {
      if (!group) {
        vectorRow(first, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      } else if (ars < 0) {
        vectorTilePackedA(first, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      } else {
        vectorTile(first, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
      }
    } else {
      scalar(first, rows, width, kc, a, rowOff, rs, ks, b, panelOff, panelLd, c, cOff, ldc);
    }
  }

  /** This thread's packing buffers: {@code [0]} for A ({@code rowBlock·kBlock}), {@code [1]} for B ({@code kBlock·colBlock}); see also {@link #sharedScratch}. */
  abstract T[] scratch();

  /**
   * The calling thread's buffer of at least {@code size} elements for a packed block of A that
   * the threads of one product share (see {@link #inParts}); grown as needed, kept for reuse.
   */
  abstract T sharedScratch(int size);

  /** Sets {@code c[from, to)} to zero. */
  abstract void zero(T c, int from, int to);

  /**
   * Packs rows {@code [ic, ic+mc)} × k-range {@code [pc, pc+kc)} of op(A) from {@code dst[to]} on:
   * panels of mr rows (step p of row r at {@code p·mr + r}), then the remaining rows as one panel
   * of their own (with {@link #packFewRows}) or as single rows. Only the panels whose index is
   * {@code part} modulo {@code parts} are written, so threads can share the work.
   */
  private void packA(T a, int ao, int ars, int aks, int ic, int mc, int pc, int kc, T dst, int to, int part,
      int parts) {
    int chunk = aks == 1 ? kc : RUN_CHUNK;
    for (int p0 = 0; p0 < kc; p0 += chunk) {
      int steps = Math.min(chunk, kc - p0);
      int d = to;
      for (int i = 0, panel = 0; i < mc; panel++) {
        int rows = rowStep(i, mc, true);
        if (panel % parts == part) {
          packPanel(a, ao + (ic + i) * ars + (pc + p0) * aks, ars, aks, rows, steps, dst, d + p0 * rows);
        }
        d += rows * kc;
        i += rows;
      }
    }
  }

  /** One panel of {@link #packA}: {@code rows} rows of op(A) from {@code a[base]} on, kc steps each. */
  private void packPanel(T a, int base, int ars, int aks, int rows, int kc, T dst, int d) {
    if (rows == 1) {
      gather(a, base, aks, dst, d, 1, kc);
    } else if (aks == 1) {
      // NOTE: row-major A is read along its rows, writing every rows-th element: one gather
      // per row instead of one per step of k (6 elements each), 9–16% faster on an RNN
      // step's products ([32×256]·[256×1024] and the like; bench/README.md, session F).
      for (int r = 0; r < rows; r++) {
        gather(a, base + r * ars, 1, dst, d + r, rows, kc);
      }
    } else {
      // Transposed A (ars = 1, as blocked() sets it): each step of k is a run of `rows`
      // consecutive elements, aks apart.
      copyRuns(a, base, aks, dst, d, rows, kc);
    }
  }

  /**
   * Packs the k-range {@code [pc, pc+kc)} of all n rows of op(A) into {@code dst} from {@code to}
   * on, row block after row block of {@link #rowBlock} rows, each laid out by {@link #packA} (the
   * block at row ic starts {@code to + ic·kc}): this thread's share, {@code part} of {@code parts}.
   */
  private void packABlock(T a, int ao, int ars, int aks, int n, int pc, int kc, T dst, int to, int part, int parts) {
    for (int ic = 0; ic < n; ic += rowBlock) {
      packA(a, ao, ars, aks, ic, Math.min(rowBlock, n - ic), pc, kc, dst, to + ic * kc, part, parts);
    }
  }

  /** {@link #packABlock} for stacked blocks. */
  private void packAStackedBlock(Stack<T> stack, int n, int pc, int kc, T dst, int to, int part, int parts) {
    for (int ic = 0; ic < n; ic += rowBlock) {
      packAStacked(stack, n, ic, Math.min(rowBlock, n - ic), pc, kc, dst, to + ic * kc, part, parts);
    }
  }

  /**
   * Packs k-range {@code [pc, pc+kc)} × columns {@code [jc, jc+nc)} of op(B) as consecutive
   * column panels of the widths {@link #panelWidth} gives, each panel kc rows of its width.
   */
  private void packB(T b, int bo, boolean transB, int k, int m, int pc, int kc, int jc, int nc, T dst) {
    if (!transB) {
      rowsToPanels(b, bo + pc * m + jc, m, kc, nc, dst, kc, 0);
      return;
    }
    // op(B)[p, col + q] = B[col + q, p]: read each stored row along k, write with stride width.
    int d = 0;
    for (int j = 0; j < nc; ) {
      int width = panelWidth(nc - j);
      for (int q = 0; q < width; q++) {
        gather(b, bo + (jc + j + q) * k + pc, 1, dst, d + q, width, kc);
      }
      d += kc * width;
      j += width;
    }
  }

  /**
   * {@link #packA} for stacked blocks: op(A) = Aᵀ, so row i of op(A) at step p is element i of
   * row p of the stack; laid out exactly as {@link #packA} lays out the stacked copy, and shared
   * between threads the same way.
   */
  private void packAStacked(Stack<T> stack, int n, int ic, int mc, int pc, int kc, T dst, int to, int part,
      int parts) {
    int s = stack.block(pc);
    for (int p = 0; p < kc; ) {
      int step = pc + p;
      s = stack.blockFrom(s, step);
      int steps = Math.min(Math.min(RUN_CHUNK, kc - p), stack.start()[s + 1] - step);
      int d = to;
      for (int i = 0, panel = 0; i < mc; panel++) {
        int rows = rowStep(i, mc, true);
        if (panel % parts == part) {
          copyRuns(stack.a()[s], (step - stack.start()[s]) * n + ic + i, n, dst, d + p * rows, rows, steps);
        }
        d += rows * kc;
        i += rows;
      }
      p += steps;
    }
  }

  /** {@link #packB} (untransposed) for stacked blocks: step p of B is row p of the stack. */
  private void packBStacked(Stack<T> stack, int m, int pc, int kc, int jc, int nc, T dst) {
    int s = stack.block(pc);
    for (int p = 0; p < kc; ) {
      int step = pc + p;
      s = stack.blockFrom(s, step);
      int steps = Math.min(kc - p, stack.start()[s + 1] - step);
      rowsToPanels(stack.b()[s], (step - stack.start()[s]) * m + jc, m, steps, nc, dst, kc, p);
      p += steps;
    }
  }

  /**
   * Copies {@code rows} rows of {@code nc} elements ({@code src[from + r·stride…]}) into the column
   * panels of a packed B block of kc steps (see {@link #packB}), as its steps {@code p0…}: the full
   * panels {@value #SPREAD_ROWS} rows at a time ({@link #spreadRows}), then the last narrow panels
   * row by row. NOTE: panel by panel over all rows (a run per row, rows m apart) took 15% of a
   * [256×1600]ᵀ·[1600×256] float32 product on two threads, row by row about half that, and a row's
   * full panels in one call made [64×1600]ᵀ·[1600×1024] 18% faster in float32 and 10% in float64
   * (bench/README.md, session I); 8 rows into up to 32 panels at a time, session L.
   */
  private void rowsToPanels(T src, int from, int stride, int rows, int nc, T dst, int kc, int p0) {
    int full = nc / nr;
    for (int q0 = 0; q0 < full; q0 += SPREAD_PANELS) {
      int panels = Math.min(SPREAD_PANELS, full - q0);
      for (int r0 = 0; r0 < rows; r0 += SPREAD_ROWS) {
        spreadRows(src, from + r0 * stride + q0 * nr, stride, Math.min(SPREAD_ROWS, rows - r0), dst,
            q0 * kc * nr + (p0 + r0) * nr, kc * nr, panels);
      }
    }
    for (int r = 0; r < rows; r++) {
      int f = from + r * stride;
      for (int j = full * nr; j < nc; ) {
        int width = panelWidth(nc - j);
        copyRuns(src, f + j, 0, dst, kc * j + (p0 + r) * width, width, 1);
        j += width;
      }
    }
  }

  /**
   * Rows of B that {@link #rowsToPanels} moves into up to {@value #SPREAD_PANELS} full panels
   * together, panel by panel: each panel then gets {@value} consecutive steps (whole cache lines,
   * one after the other) instead of one step from every row in turn, which wrote one line in each
   * panel, all a block's stride apart (the same L1 set). The rows' part that is read,
   * {@value} × {@value #SPREAD_PANELS} panel rows of 64 bytes (16 KB), stays in L1 meanwhile.
   * NOTE: packing 1600 × 128 of a float64 B alone: 0.7 ns per element row by row, 0.4–0.5 with 8
   * rows at a time (4: 0.55, 16: 0.46); all 128 panels of a 1024-wide B at a time (64 KB of rows)
   * made 1024² float64 8% slower.
   */
  static final int SPREAD_ROWS = 8;
  /** Full panels {@link #rowsToPanels} fills together, {@value #SPREAD_ROWS} rows at a time. */
  static final int SPREAD_PANELS = 32;

  /**
   * Copies, for each of {@code panels} full B panels q, {@link #nr} consecutive elements from each
   * of {@code rows} rows ({@code src[from + r·stride + q·nr…]}) to
   * {@code dst[to + q·panelStride + r·nr…]}: consecutive steps of k into consecutive full panels.
   */
  abstract void spreadRows(T src, int from, int stride, int rows, T dst, int to, int panelStride, int panels);

  /**
   * The whole of op(B) ({@code [k×m]}) packed for {@link #multiply(int, int, int, Object, int, boolean,
   * Object, int, boolean, Object, Object, int, boolean)}: column panels of the widths
   * {@link #panelWidth} gives over all m columns, each panel k rows of its width.
   */
  final T packWhole(T b, int bo, boolean transB, int k, int m) {
    T dst = allocate(k * m);
    packB(b, bo, transB, k, m, 0, k, 0, m, dst);
    return dst;
  }

  /** A new array of {@code size} elements. */
  abstract T allocate(int size);

  /** Copies {@code count} elements {@code src[from + i·stride]} to {@code dst[to + i·dstStride]}. */
  abstract void gather(T src, int from, int stride, T dst, int to, int dstStride, int count);

  /**
   * Copies {@code count} runs of {@code run} consecutive elements, run c from {@code src[from + c·stride…]},
   * to {@code dst[to…]} back to back: a panel's steps of k from rows {@code stride} apart.
   */
  abstract void copyRuns(T src, int from, int stride, T dst, int to, int run, int count);

  /** Columns {@code [start, end)} of {@code A·Bᵀ} with A row-major {@code [n×k]} and B {@code [m×k]}, as dot products. */
  abstract void dots(int n, int k, int m, T a, int ao, T b, int bo, T c, int co, boolean accumulate,
      int start, int end);

  /**
   * The main micro-kernel: {@link #mr} rows × {@link #nr} columns of C (rows {@code ldc} apart) get
   * {@code op(A)·op(B)} over {@code kc} steps, starting from zero when {@code first}, else from C.
   * Row r of A starts at {@code ao + r·ars}, step p is {@code p·aks} further; step p of B starts at
   * {@code bo + p·ldb}.
   */
  abstract void fullTile(boolean first, int kc, T a, int ao, int ars, int aks, T b, int bo, int ldb, T c, int co, int ldc);

  /**
   * {@link #fullTile} on a packed A panel (row r of step p at {@code ao + p·mr + r}, so
   * {@code ars} = 1 and {@code aks} = {@link #mr}); a subclass may give it a kernel of its own.
   */
  void fullTilePackedA(boolean first, int kc, T a, int ao, int ars, int aks, T b, int bo, int ldb, T c, int co, int ldc) {
    fullTile(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
  }

  /**
   * {@code rows} (1 &lt; rows &lt; {@link #mr}) rows of a packed-A remainder panel (row r of step p at
   * {@code ao + p·rows + r}) × {@link #nr} columns when {@code fullWidth}, else one vector, as
   * {@link #fullTile}; only called when the subclass asked for remainder panels ({@code packFewRows}).
   */
  void remainderTilePackedA(int rows, boolean fullWidth, boolean first, int kc, T a, int ao, T b, int bo, int ldb,
      T c, int co, int ldc) {
    throw new UnsupportedOperationException("no remainder kernels");
  }

  /** One row × {@link #nr} columns, as {@link #fullTile}. */
  abstract void fullRow(boolean first, int kc, T a, int ao, int ars, int aks, T b, int bo, int ldb, T c, int co, int ldc);

  /** {@link #mr} rows × one vector, as {@link #fullTile}. */
  abstract void vectorTile(boolean first, int kc, T a, int ao, int ars, int aks, T b, int bo, int ldb, T c, int co, int ldc);

  /** {@link #vectorTile} on a packed A panel, as {@link #fullTilePackedA}. */
  void vectorTilePackedA(boolean first, int kc, T a, int ao, int ars, int aks, T b, int bo, int ldb, T c, int co,
      int ldc) {
    vectorTile(first, kc, a, ao, ars, aks, b, bo, ldb, c, co, ldc);
  }

  /** One row × one vector, as {@link #fullTile}. */
  abstract void vectorRow(boolean first, int kc, T a, int ao, int ars, int aks, T b, int bo, int ldb, T c, int co, int ldc);

  /** The last few columns (fewer than a vector) of {@code rows} rows, one fused multiply-add chain per element. */
  abstract void scalar(boolean first, int rows, int cols, int kc, T a, int ao, int ars, int aks,
      T b, int bo, int ldb, T c, int co, int ldc);
}
