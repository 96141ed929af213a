package dev.unfold.tensor;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.kernel.Elementwise;
import dev.unfold.tensor.kernel.FloatKernels;
import dev.unfold.tensor.kernel.Layout;
import dev.unfold.tensor.kernel.MatMul;
import java.util.ArrayList;
import java.util.List;

/**
 * A running sum of same-shaped tensors that adds in place into storage it owns: backprop's
 * gradient accumulation, where a parameter used at every time step receives one contribution
 * per step. n contributions cost one new tensor instead of n − 1, and the sum is formed in the
 * order the contributions arrive, exactly as {@code ((a + b) + c) + …}.
 *
 * <p>The sum has the element type of its first term; later terms of another type are converted
 * to it. The storage is never visible while it can change: {@link #result()} hands it out as a
 * tensor once, after which the sum refuses further additions. Not thread-safe.
 */
public final class TensorSum {
  private final Shape shape;
  /** The running sum: a fresh tensor nobody else references, whose storage is ours to add into. */
  private Tensor acc;
  /** Products {@code aᵀ·b} added but not yet computed: their row blocks, in arrival order. */
  private final List<Tensor> pendingA = new ArrayList<>();
  private final List<Tensor> pendingB = new ArrayList<>();
  private long pendingElements;

  /**
   * Pending elements (rows × (k + m) summed over the blocks) above which the deferred products
   * are computed: bounds the memory the held blocks keep alive (4M elements, 32 MB in float64).
   */
  static final long MAX_PENDING_ELEMENTS = 1L << 22;

  private TensorSum(Tensor fresh) {
    this.shape = fresh.shape();
    this.acc = fresh;
  }

  /** A float64 sum starting at zero. */
  public static TensorSum zeros(Shape shape) {
    return zeros(shape, DType.FLOAT64);
  }

  /** A sum of the given element type starting at zero. */
  public static TensorSum zeros(Shape shape, DType dtype) {
    return new TensorSum(Tensors.zeros(shape, dtype));
  }

  /** A sum starting with a copy of {@code first}, which is not modified. */
  public static TensorSum of(Tensor first) {
    return new TensorSum(first.scale(1.0));
  }

  /** A sum starting with the product {@code op(a)·op(b)} (see {@link Tensor#matmul(Tensor, boolean, boolean)}). */
  public static TensorSum ofProduct(Tensor a, boolean transA, Tensor b, boolean transB) {
    // A chain from zero gives the product's own bits (fma(x, y, 0) = x·y), and it may be deferred.
    TensorSum sum = zeros(MatMulShape.of("TensorSum", a.shape(), transA, b.shape(), transB).out(), a.dtype());
    sum.addProduct(a, transA, b, transB);
    return sum;
  }

  /** A sum starting with {@code first + second}, of {@code first}'s type; neither is modified. */
  public static TensorSum of(Tensor first, Tensor second) {
    checkShape(first.shape(), second);
    return new TensorSum(first.add(second.to(first.dtype())));
  }

  /** The element type of the sum. */
  public DType dtype() {
    return live().dtype();
  }

  private Tensor live() {
    Preconditions.checkState(acc != null, "TensorSum: the result was already taken");
    return acc;
  }

  /** Adds {@code t} in place; {@code t} is not modified. */
  public void add(Tensor t) {
    Tensor sum = flushed();
    checkShape(shape, t);
    Tensor x = t.to(sum.dtype());
    if (sum.dtype() == DType.FLOAT32) {
      FloatKernels.addInto(sum.storageF32(), x.backingF32(), x.offset());
    } else {
      Elementwise.addInto(sum.storage(), x.backing(), x.offset());
    }
  }

  /**
   * Adds the product {@code op(a)·op(b)} of rank-2 tensors in place, with no intermediate tensor:
   * each element continues its fused multiply-add chain from the running sum.
   *
   * <p>NOTE: a weight's gradient {@code Σ_t a_tᵀ·b_t} arrives as one product per time step with
   * an inner dimension of only the batch size, which runs at half the speed of a tall product.
   * Products of that form are therefore deferred and computed together as one product over the
   * stacked rows, when the sum is next read or added to in another way. That is the same fused
   * multiply-add chain in the same order, so the bits do not change, only the speed.
   */
  public void addProduct(Tensor a, boolean transA, Tensor b, boolean transB) {
    Tensor sum = live();
    if (a.rank() != 2 || b.rank() != 2) {
      throw ShapeException.of("TensorSum: products take rank-2 operands, got %s and %s", a.shape(), b.shape());
    }
    MatMulShape g = MatMulShape.of("TensorSum", a.shape(), transA, b.shape(), transB);
    if (!g.out().equals(shape)) {
      throw ShapeException.of("TensorSum: the product is %s, the sum %s", g.out(), shape);
    }
    Tensor x = a.to(sum.dtype());
    Tensor y = b.to(sum.dtype());
    if (transA && !transB) {
      pendingA.add(x);
      pendingB.add(y);
      pendingElements += (long) x.shape().dim(0) * (g.n() + g.m());
      if (pendingElements > MAX_PENDING_ELEMENTS) {
        flushed();
      }
      return;
    }
    multiplyAdd(flushed(), x, transA, y, transB);
  }

  private static void multiplyAdd(Tensor sum, Tensor x, boolean transA, Tensor y, boolean transB) {
    MatMulShape g = MatMulShape.of("TensorSum", x.shape(), transA, y.shape(), transB);
    if (sum.dtype() == DType.FLOAT32) {
      MatMul.multiplyAdd(g.n(), g.k(), g.m(), x.storageF32(), transA, y.storageF32(), transB, sum.storageF32());
    } else {
      MatMul.multiplyAdd(g.n(), g.k(), g.m(), x.storage(), transA, y.storage(), transB, sum.storage());
    }
  }

  /**
   * Adds {@code part} in place at indices {@code [start, start + part's length)} along
   * {@code axis}; the other dimensions must agree. {@code part} is not modified.
   */
  public void addSlice(Tensor part, int axis, int start) {
    Tensor sum = flushed();
    int a = shape.axis(axis);
    int pn = part.rank() == shape.rank() ? part.shape().dim(a) : -1;
    if (pn < 0 || !part.shape().withDim(a, 0).equals(shape.withDim(a, 0)) || start < 0 || start + pn > shape.dim(a)) {
      throw ShapeException.of("TensorSum: a slice %s at %d along axis %d does not fit %s", part.shape(), start, axis, shape);
    }
    Tensor x = part.to(sum.dtype());
    if (sum.dtype() == DType.FLOAT32) {
      FloatKernels.addPlace(x.backingF32(), x.offset(), shape.outer(a), pn, shape.inner(a), sum.storageF32(),
          shape.dim(a), start);
    } else {
      Layout.addPlace(x.backing(), x.offset(), shape.outer(a), pn, shape.inner(a), sum.storage(), shape.dim(a), start);
    }
  }

  /** The sum as a tensor; the sum can no longer change afterwards. */
  public Tensor result() {
    Tensor t = flushed();
    acc = null;
    return t;
  }

  /** The running sum with every deferred product added. */
  private Tensor flushed() {
    Tensor sum = live();
    if (pendingA.isEmpty()) {
      return sum;
    }
    int blocks = pendingA.size();
    if (blocks == 1) {
      multiplyAdd(sum, pendingA.get(0), true, pendingB.get(0), false);
    } else {
      // NOTE: the blocks are read in place, stacked along k by the packing (not joined by a copy
      // first, which cost a sixth of the product on an LSTM's recurrent weight: 8 MB per step).
      int[] rows = new int[blocks];
      for (int s = 0; s < blocks; s++) {
        rows[s] = pendingA.get(s).shape().dim(0);
      }
      int n = shape.dim(0);
      int m = shape.dim(1);
      if (sum.dtype() == DType.FLOAT32) {
        float[][] a = new float[blocks][];
        float[][] b = new float[blocks][];
        for (int s = 0; s < blocks; s++) {
          a[s] = pendingA.get(s).storageF32();
          b[s] = pendingB.get(s).storageF32();
        }
        MatMul.multiplyAddStacked(n, m, a, b, rows, sum.storageF32());
      } else {
        double[][] a = new double[blocks][];
        double[][] b = new double[blocks][];
        for (int s = 0; s < blocks; s++) {
          a[s] = pendingA.get(s).storage();
          b[s] = pendingB.get(s).storage();
        }
        MatMul.multiplyAddStacked(n, m, a, b, rows, sum.storage());
      }
    }
    pendingA.clear();
    pendingB.clear();
    pendingElements = 0;
    return sum;
  }

  private static void checkShape(Shape expected, Tensor t) {
    if (!expected.equals(t.shape())) {
      throw ShapeException.of("TensorSum: shapes differ, %s and %s", expected, t.shape());
    }
  }
}
