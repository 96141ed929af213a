package dev.unfold.tensor.kernel;

/**
 * Copies that move elements without arithmetic: permutation of axes, concatenation, slicing,
 * zero padding, row gathers and scatters, one-hot encoding. Axis operations view a tensor as
 * {@code [outer × n × inner]}. Internal.
 */
public final class Layout {
  private Layout() {}

  /** {@code out} has dims {@code dims[perm[0]], dims[perm[1]], …}. */
  public static void permute(double[] x, int[] dims, int[] perm, double[] out) {
    int[] own = Odometer.strides(dims);
    int[] outDims = new int[perm.length];
    int[] s = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      outDims[i] = dims[perm[i]];
      s[i] = own[perm[i]];
    }
    int ls = Odometer.lastStride(s);
    Odometer.walk(outDims, new int[][] {s}, (o, offs, n) -> {
      int base = offs[0];
      for (int i = 0; i < n; i++) {
        out[o + i] = x[base + i * ls];
      }
    });
  }

  /**
   * Copies {@code part} ({@code [outer × pn × inner]}) into {@code out} ({@code [outer × n × inner]})
   * starting at index {@code start} of the middle axis.
   */
  public static void place(double[] part, int outer, int pn, int inner, double[] out, int n, int start) {
    placeBlocks(part, outer, pn, inner, out, n, start);
  }

  /** {@link #place(double[], int, int, int, double[], int, int)} for float32 storage. */
  public static void place(float[] part, int outer, int pn, int inner, float[] out, int n, int start) {
    placeBlocks(part, outer, pn, inner, out, n, start);
  }

  /**
   * Copies the row {@code src[from … from + m)} into each of the first {@code rows} rows of
   * {@code out} (row-major, {@code m} wide): a bias broadcast over a product's rows before the
   * product adds to them. The arrays are both {@code double[]} or both {@code float[]}; the rows
   * are split between the threads from {@link Elementwise#SIMPLE_PARALLEL} elements on.
   */
  public static void repeatRow(Object src, int from, int m, Object out, int rows) {
    Parallel.bands(rows, (long) rows * m, Elementwise.SIMPLE_PARALLEL, (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        System.arraycopy(src, from, out, r * m, m);
      }
    });
  }

  /**
   * A concatenation along the middle axis: part p, {@code [outer × sizes[p] × inner]} starting at
   * {@code parts[p][offsets[p]]}, goes to {@code out} ({@code [outer × n × inner]}, n the sum of
   * the sizes) after the parts before it. The arrays are all {@code double[]} or all
   * {@code float[]}; the parts are split between the threads from {@link Elementwise#SIMPLE_PARALLEL}
   * elements on (an unrolled layer's T outputs, joined for its head).
   */
  public static void concat(Object[] parts, int[] offsets, int[] sizes, int outer, int inner, Object out, int n) {
    int[] starts = new int[parts.length];
    for (int p = 1; p < parts.length; p++) {
      starts[p] = starts[p - 1] + sizes[p - 1];
    }
    long total = (long) outer * n * inner;
    Parallel.bands(parts.length, total, Elementwise.SIMPLE_PARALLEL, (lo, hi) -> {
      for (int p = lo; p < hi; p++) {
        int block = sizes[p] * inner;
        for (int o = 0; o < outer; o++) {
          System.arraycopy(parts[p], offsets[p] + o * block, out, (o * n + starts[p]) * inner, block);
        }
      }
    });
  }

  // NOTE: copies are the same for every element type: System.arraycopy takes either array.
  private static void placeBlocks(Object part, int outer, int pn, int inner, Object out, int n, int start) {
    int block = pn * inner;
    for (int o = 0; o < outer; o++) {
      System.arraycopy(part, o * block, out, (o * n + start) * inner, block);
    }
  }

  /** Adds {@code part} ({@code [outer × pn × inner]}) into {@code out} ({@code [outer × n × inner]}) from index {@code start}. */
  public static void addPlace(double[] part, int outer, int pn, int inner, double[] out, int n, int start) {
    addPlace(part, 0, outer, pn, inner, out, n, start);
  }

  /** {@link #addPlace(double[], int, int, int, double[], int, int)} with {@code part} starting at {@code part[from]}. */
  public static void addPlace(double[] part, int from, int outer, int pn, int inner, double[] out, int n, int start) {
    placeRuns(from, outer, pn, inner, n, start, (src, dst, run) -> {
      for (int q = 0; q < run; q++) {
        out[dst + q] += part[src + q];
      }
    });
  }

  /** A run of {@code length} consecutive elements of a part (from {@code src}) and of its place in the whole (from {@code dst}). */
  @FunctionalInterface
  interface PlaceRun {
    void run(int src, int dst, int length);
  }

  /**
   * Calls {@code body} on the runs of a part {@code [outer × pn × inner]} (element 0 at
   * {@code from}) placed at index {@code start} of the middle axis of a whole
   * {@code [outer × n × inner]}: bands of the part's elements in order, one per thread from
   * {@link Elementwise#SIMPLE_PARALLEL} elements on, each cut where an outer block ends.
   */
  static void placeRuns(int from, int outer, int pn, int inner, int n, int start, PlaceRun body) {
    int block = pn * inner;
    int total = outer * block;
    Parallel.bands(total, total, Elementwise.SIMPLE_PARALLEL, (lo, hi) -> {
      for (int e = lo; e < hi; ) {
        int o = e / block;
        int i = e - o * block;
        int run = Math.min(hi - e, block - i);
        body.run(from + e, (o * n + start) * inner + i, run);
        e += run;
      }
    });
  }

  /** Tile edge of {@link #transpose}: two 32×32 tiles of doubles fit in L1. */
  private static final int TILE = 32;

  /** {@code out[j][i] = x[i][j]} for a row-major {@code rows × cols} matrix, tile by tile. */
  public static void transpose(double[] x, int rows, int cols, double[] out) {
    for (int i0 = 0; i0 < rows; i0 += TILE) {
      int i1 = Math.min(rows, i0 + TILE);
      for (int j0 = 0; j0 < cols; j0 += TILE) {
        int j1 = Math.min(cols, j0 + TILE);
        for (int i = i0; i < i1; i++) {
          for (int j = j0; j < j1; j++) {
            out[j * rows + i] = x[i * cols + j];
          }
        }
      }
    }
  }

  /** {@link #transpose(double[], int, int, double[])} for float32 storage. */
  public static void transpose(float[] x, int rows, int cols, float[] out) {
    for (int i0 = 0; i0 < rows; i0 += TILE) {
      int i1 = Math.min(rows, i0 + TILE);
      for (int j0 = 0; j0 < cols; j0 += TILE) {
        int j1 = Math.min(cols, j0 + TILE);
        for (int i = i0; i < i1; i++) {
          for (int j = j0; j < j1; j++) {
            out[j * rows + i] = x[i * cols + j];
          }
        }
      }
    }
  }

  /** Copies indices {@code [start, start+pn)} of the middle axis of {@code x} into {@code out}. */
  public static void take(double[] x, int outer, int n, int inner, int start, int pn, double[] out) {
    takeBlocks(x, outer, n, inner, start, pn, out);
  }

  /** {@link #take(double[], int, int, int, int, int, double[])} for float32 storage. */
  public static void take(float[] x, int outer, int n, int inner, int start, int pn, float[] out) {
    takeBlocks(x, outer, n, inner, start, pn, out);
  }

  private static void takeBlocks(Object x, int outer, int n, int inner, int start, int pn, Object out) {
    int block = pn * inner;
    for (int o = 0; o < outer; o++) {
      System.arraycopy(x, (o * n + start) * inner, out, o * block, block);
    }
  }

  /** {@code out[r] = table[rows[r]]} for rows of {@code width} elements. */
  public static void gatherRows(double[] table, int width, int[] rows, double[] out) {
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(table, rows[r] * width, out, r * width, width);
    }
  }

  /** {@code out[rows[r]] += src[r]}: the adjoint of {@link #gatherRows}; repeated rows add up. */
  public static void scatterAddRows(double[] src, int width, int[] rows, double[] out) {
    for (int r = 0; r < rows.length; r++) {
      int o = rows[r] * width;
      int s = r * width;
      for (int i = 0; i < width; i++) {
        out[o + i] += src[s + i];
      }
    }
  }

  /** {@code out[i, classes[i]] = 1} for a zeroed {@code out} of {@code classes.length × depth}. */
  public static void oneHot(int[] classes, int depth, double[] out) {
    for (int i = 0; i < classes.length; i++) {
      out[i * depth + classes[i]] = 1.0;
    }
  }
}
