package dev.unfold.tensor.kernel;

/**
 * Walks a row-major output shape row by row (a row is the last axis), keeping for each operand
 * the offset of the row's first element under that operand's strides. Broadcast axes have
 * stride 0, so one walker serves broadcasting, reductions to a shape and permutations.
 */
final class Odometer {
  private Odometer() {}

  /** Receives one row: the output offset, each operand's offset and the row length. */
  @FunctionalInterface
  interface Row {
    void visit(int outOffset, int[] offsets, int n);
  }

  /** Row-major strides of {@code dims}. */
  static int[] strides(int[] dims) {
    int[] s = new int[dims.length];
    int step = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = step;
      step *= dims[i];
    }
    return s;
  }

  /**
   * Strides of an operand of shape {@code dims} read as if it had shape {@code outDims}
   * (right-aligned NumPy broadcasting): 0 on axes where the operand has length 1 or is absent.
   */
  static int[] alignedStrides(int[] dims, int[] outDims) {
    int[] own = strides(dims);
    int[] s = new int[outDims.length];
    int off = outDims.length - dims.length;
    for (int i = 0; i < dims.length; i++) {
      s[off + i] = dims[i] == 1 ? 0 : own[i];
    }
    return s;
  }

  static int size(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** Last-axis stride of an operand, or 0 for rank 0. */
  static int lastStride(int[] strides) {
    return strides.length == 0 ? 0 : strides[strides.length - 1];
  }

  static void walk(int[] outDims, int[][] strides, Row row) {
    int rank = outDims.length;
    int n = rank == 0 ? 1 : outDims[rank - 1];
    int total = size(outDims);
    if (n == 0 || total == 0) {
      return;
    }
    int rows = total / n;
    int[] counter = new int[Math.max(rank - 1, 0)];
    int[] offsets = new int[strides.length];
    for (int r = 0; r < rows; r++) {
      row.visit(r * n, offsets, n);
      for (int d = rank - 2; d >= 0; d--) {
        counter[d]++;
        for (int j = 0; j < strides.length; j++) {
          offsets[j] += strides[j][d];
        }
        if (counter[d] < outDims[d]) {
          break;
        }
        for (int j = 0; j < strides.length; j++) {
          offsets[j] -= strides[j][d] * outDims[d];
        }
        counter[d] = 0;
      }
    }
  }
}
