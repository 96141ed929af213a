package dev.unfold.tensor;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.kernel.Elementwise;
import dev.unfold.tensor.kernel.FloatKernels;
import dev.unfold.tensor.kernel.Layout;
import dev.unfold.tensor.kernel.MatMul;
import dev.unfold.tensor.kernel.Reduce;
import dev.unfold.tensor.kernel.Softmax;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * An immutable n-dimensional array of numbers: a {@link Shape}, a {@link DType} and row-major
 * storage that is never exposed.
 *
 * <p>Guarantees: immutable (every method returns a new tensor and leaves its operands
 * bit-identical), null-hostile, safe to share between threads, and {@code equals} compares the
 * shape and the exact bits of every element. Build tensors with {@link Tensors}.
 *
 * <p>Binary element-wise methods broadcast as NumPy does: shapes are aligned from the right and
 * each pair of dimensions must be equal or one of them 1.
 *
 * <p>A {@link #slice} that is contiguous in storage (a range of the first axis) and a
 * {@link #reshape} share their source's storage instead of copying it; since nothing ever writes
 * to a tensor's storage after it is made, sharing is invisible except in speed and memory (a view
 * keeps its whole source alive).
 */
public final class Tensor {
  private final Shape shape;
  /** The float64 storage, or null for a float32 tensor; shared with other tensors when this is a view. */
  private final double[] base;
  /** The float32 storage, or null for a float64 tensor; shared as {@link #base}. */
  private final float[] base32;
  /**
   * Where element 0 sits in the storage: a view (see {@link #slice}) reads a contiguous range of
   * another tensor's storage, {@code [offset, offset + size)}. 0 for a tensor that owns its storage.
   */
  private final int offset;
  /**
   * A view's elements as an array of their own, made the first time an operation without a
   * view-aware path needs them (see {@link #array()}); derived from immutable storage, so a racing
   * second copy is harmless, and volatile so that a thread that sees the array sees its elements.
   */
  private volatile Object compact;
  /**
   * This rank-2 tensor packed as the B of few-row products ({@link MatMul#prefersPackedB}), as is
   * and transposed: a {@code float[]} or {@code double[]} as {@link MatMul#packB} makes it, kept
   * so that a recurrent weight read at every time step (forward as is, backward transposed) is
   * packed once. Derived from immutable storage, so a racing second computation is harmless;
   * volatile, as {@link #compact}, so that another thread never reads a half-written packing.
   */
  private volatile Object packedB;
  private volatile Object packedBTransposed;
  /** How many few-row products have read this tensor as an untransposed B (racy, and only a hint). */
  private int packedBUses;

  private Tensor(Shape shape, double[] data) {
    this(shape, data, null, 0);
  }

  private Tensor(Shape shape, float[] f32) {
    this(shape, null, f32, 0);
  }

  private Tensor(Shape shape, double[] base, float[] base32, int offset) {
    this.shape = shape;
    this.base = base;
    this.base32 = base32;
    this.offset = offset;
  }

  /** Takes ownership of {@code data} without copying; only for this package's factories. */
  static Tensor wrap(Shape shape, double[] data) {
    Preconditions.checkArgument(shape.size() == data.length,
        "shape %s needs %s values, got %s", shape, shape.size(), data.length);
    return new Tensor(shape, data);
  }

  /** Takes ownership of float32 {@code data} without copying; only for this package's factories. */
  static Tensor wrap(Shape shape, float[] data) {
    Preconditions.checkArgument(shape.size() == data.length,
        "shape %s needs %s values, got %s", shape, shape.size(), data.length);
    return new Tensor(shape, data);
  }

  /**
   * The float64 elements as an array of exactly {@link #size()} elements, for this package's owners
   * of fresh tensors ({@link TensorSum}); never exposed. A view's are a copy. Only for float64 tensors.
   */
  double[] storage() {
    Preconditions.checkState(base != null, "float64 storage of a %s tensor", DType.FLOAT32);
    return array();
  }

  /** The float32 elements, as {@link #storage()}; only for float32 tensors. */
  float[] storageF32() {
    Preconditions.checkState(base32 != null, "float32 storage of a %s tensor", DType.FLOAT64);
    return arrayF32();
  }

  /**
   * The float64 storage as it is, shared with any views: element i is at {@link #offset()} + i.
   * For this package's view-aware paths, which only read it. Only for float64 tensors.
   */
  double[] backing() {
    Preconditions.checkState(base != null, "float64 storage of a %s tensor", DType.FLOAT32);
    return base;
  }

  /** The float32 storage as it is, as {@link #backing()}; only for float32 tensors. */
  float[] backingF32() {
    Preconditions.checkState(base32 != null, "float32 storage of a %s tensor", DType.FLOAT64);
    return base32;
  }

  /** Where element 0 sits in {@link #backing()}: 0 unless this is a view. */
  int offset() {
    return offset;
  }

  /** The storage as it is, {@code double[]} or {@code float[]} (shared with any views), for copies that take either. */
  Object storageObject() {
    return base32 != null ? base32 : base;
  }

  /** The float64 elements, exactly {@link #size()} of them: the storage itself, or a view's own copy. */
  private double[] array() {
    double[] b = base;
    if (offset == 0 && b.length == shape.size()) {
      return b;
    }
    double[] c = (double[]) compact;
    if (c == null) {
      c = Arrays.copyOfRange(b, offset, offset + shape.size());
      compact = c;
    }
    return c;
  }

  /** The float32 elements, as {@link #array()}. */
  private float[] arrayF32() {
    float[] b = base32;
    if (offset == 0 && b.length == shape.size()) {
      return b;
    }
    float[] c = (float[]) compact;
    if (c == null) {
      c = Arrays.copyOfRange(b, offset, offset + shape.size());
      compact = c;
    }
    return c;
  }

  private static Tensor fresh(Shape shape) {
    return new Tensor(shape, new double[shape.size()]);
  }

  private static Tensor fresh(Shape shape, DType dtype) {
    return dtype == DType.FLOAT32 ? new Tensor(shape, new float[shape.size()]) : fresh(shape);
  }

  public Shape shape() {
    return shape;
  }

  public DType dtype() {
    return base32 != null ? DType.FLOAT32 : DType.FLOAT64;
  }

  private boolean isF32() {
    return base32 != null;
  }

  /**
   * This tensor with elements of type {@code target}: itself when it already has that type,
   * otherwise a converted copy (float64 to float32 rounds to nearest; the other way is exact).
   */
  public Tensor to(DType target) {
    if (target == dtype()) {
      return this;
    }
    if (target == DType.FLOAT32) {
      float[] out = new float[array().length];
      FloatKernels.narrow(array(), out);
      return new Tensor(shape, out);
    }
    double[] out = new double[arrayF32().length];
    FloatKernels.widen(arrayF32(), out);
    return new Tensor(shape, out);
  }

  /** This tensor as float64: the general path of operations that have no float32 loop of their own. */
  private Tensor wide() {
    return to(DType.FLOAT64);
  }

  /**
   * The type of a result of this and {@code other}, as PyTorch promotes: float32 only when both
   * are float32, except that a rank-0 operand (a scalar constant) takes the other's type.
   */
  private DType resultType(Tensor other) {
    if (dtype() == other.dtype()) {
      return dtype();
    }
    if (rank() == 0 && other.rank() > 0) {
      return other.dtype();
    }
    if (other.rank() == 0 && rank() > 0) {
      return dtype();
    }
    return DType.FLOAT64;
  }

  /** Number of elements. */
  public int size() {
    return shape.size();
  }

  public int rank() {
    return shape.rank();
  }

  /** The element at a full index (one coordinate per axis). */
  public double get(int... index) {
    if (index.length != shape.rank()) {
      throw ShapeException.of("get: index %s has %d coordinates, tensor %s has rank %d",
          Arrays.toString(index), index.length, shape, shape.rank());
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      int d = shape.dim(i);
      if (index[i] < 0 || index[i] >= d) {
        throw new IndexOutOfBoundsException(String.format(Locale.ROOT,
            "get: index %s is outside shape %s (axis %d)", Arrays.toString(index), shape, i));
      }
      flat = flat * d + index[i];
    }
    return getFlat(flat);
  }

  /** The element at a row-major position. */
  public double getFlat(int position) {
    return isF32() ? base32[offset + position] : base[offset + position];
  }

  /** The value of a one-element tensor. */
  public double item() {
    if (size() != 1) {
      throw ShapeException.of("item: tensor %s has %d elements, not 1", shape, size());
    }
    return getFlat(0);
  }

  /** A copy of the elements in row-major order, as float64 (exact for float32 tensors). */
  public double[] toArray() {
    return isF32() ? wide().array() : array().clone();
  }

  /**
   * The elements as integers, for tensors that hold indices or class labels.
   *
   * @throws IllegalArgumentException naming {@code what} if an element is not a whole number
   */
  public int[] toIntArray(String what) {
    int[] out = new int[size()];
    for (int i = 0; i < out.length; i++) {
      double v = getFlat(i);
      if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s: element %d of %s is %s, not a whole number", what, i, shape, v));
      }
      out[i] = (int) v;
    }
    return out;
  }

  // ---------------------------------------------------------------- element-wise

  /** {@code f} applied to every element. */
  public Tensor map(DoubleUnaryOperator f) {
    Tensor out = fresh(shape, dtype());
    if (isF32()) {
      FloatKernels.map(arrayF32(), f, out.arrayF32());
    } else {
      Elementwise.map(array(), f, out.array());
    }
    return out;
  }

  /** {@code f(this, other)} element by element, with broadcasting. */
  public Tensor zip(Tensor other, DoubleBinaryOperator f) {
    return zip("zip", other, f);
  }

  private Tensor zip(String op, Tensor other, DoubleBinaryOperator f) {
    Shape s = Shape.broadcast(op, shape, other.shape);
    DType type = resultType(other);
    Tensor a = to(type);
    Tensor b = other.to(type);
    Tensor out = fresh(s, type);
    if (type == DType.FLOAT32) {
      FloatKernels.zip(a.arrayF32(), shape.dims(), b.arrayF32(), other.shape.dims(), s.dims(), f, out.arrayF32());
    } else {
      Elementwise.binary(a.array(), shape.dims(), b.array(), other.shape.dims(), s.dims(), f, out.array());
    }
    return out;
  }

  public Tensor add(Tensor other) {
    return binary("add", other, Elementwise.Binary.ADD);
  }

  public Tensor sub(Tensor other) {
    return binary("sub", other, Elementwise.Binary.SUB);
  }

  public Tensor mul(Tensor other) {
    return binary("mul", other, Elementwise.Binary.MUL);
  }

  public Tensor div(Tensor other) {
    return binary("div", other, Elementwise.Binary.DIV);
  }

  private Tensor binary(String op, Tensor other, Elementwise.Binary kind) {
    Shape s = Shape.broadcast(op, shape, other.shape);
    DType type = resultType(other);
    Tensor a = to(type);
    Tensor b = other.to(type);
    Tensor out = fresh(s, type);
    if (type == DType.FLOAT32) {
      FloatKernels.binary(kind, a.arrayF32(), shape.dims(), b.arrayF32(), other.shape.dims(), s.dims(), out.arrayF32());
    } else {
      Elementwise.binary(kind, a.array(), shape.dims(), b.array(), other.shape.dims(), s.dims(), out.array());
    }
    return out;
  }

  /** {@code tanh} of every element (within 2 ulp of {@link Math#tanh} when the SIMD kernels are in use). */
  public Tensor tanh() {
    Tensor out = fresh(shape, dtype());
    if (isF32()) {
      FloatKernels.tanh(arrayF32(), out.arrayF32());
    } else {
      Elementwise.tanh(array(), out.array());
    }
    return out;
  }

  /** The logistic function {@code 1/(1+e⁻ˣ)} of every element, computed without overflow for any x. */
  public Tensor sigmoid() {
    Tensor out = fresh(shape, dtype());
    if (isF32()) {
      FloatKernels.sigmoid(arrayF32(), out.arrayF32());
    } else {
      Elementwise.sigmoid(array(), out.array());
    }
    return out;
  }

  /** For {@code this = tanh(x)}: the vector-Jacobian product {@code dy ⊙ (1 − this²)}. */
  public Tensor tanhVjp(Tensor dy) {
    checkSameShape("tanhVjp", dy);
    if (isF32() && dy.isF32()) {
      Tensor out = fresh(shape, DType.FLOAT32);
      FloatKernels.tanhVjp(dy.arrayF32(), arrayF32(), out.arrayF32());
      return out;
    }
    Tensor out = fresh(shape);
    Elementwise.tanhVjp(dy.wide().array(), wide().array(), out.array());
    return out;
  }

  /** For {@code this = σ(x)}: the vector-Jacobian product {@code dy ⊙ this ⊙ (1 − this)}. */
  public Tensor sigmoidVjp(Tensor dy) {
    checkSameShape("sigmoidVjp", dy);
    if (isF32() && dy.isF32()) {
      Tensor out = fresh(shape, DType.FLOAT32);
      FloatKernels.sigmoidVjp(dy.arrayF32(), arrayF32(), out.arrayF32());
      return out;
    }
    Tensor out = fresh(shape);
    Elementwise.sigmoidVjp(dy.wide().array(), wide().array(), out.array());
    return out;
  }

  private void checkSameShape(String op, Tensor other) {
    if (!shape.equals(other.shape)) {
      throw ShapeException.of("%s: shapes differ, %s and %s", op, shape, other.shape);
    }
  }

  /** Every element times {@code s}. */
  public Tensor scale(double s) {
    Tensor out = fresh(shape, dtype());
    if (isF32()) {
      FloatKernels.scale(arrayF32(), s, out.arrayF32());
    } else {
      Elementwise.scale(array(), s, out.array());
    }
    return out;
  }

  public Tensor neg() {
    return scale(-1.0);
  }

  /** {@code mask != 0 ? a : b} element by element, all three broadcast together. */
  public static Tensor where(Tensor mask, Tensor a, Tensor b) {
    Shape s = Shape.broadcast("where", Shape.broadcast("where", mask.shape, a.shape), b.shape);
    Tensor out = fresh(s);
    Elementwise.select(mask.wide().array(), mask.shape.dims(), a.wide().array(), a.shape.dims(), b.wide().array(),
        b.shape.dims(), s.dims(), out.array());
    return out.to(a.resultType(b));
  }

  /** This tensor repeated along broadcast axes to {@code target}. */
  public Tensor broadcastTo(Shape target) {
    if (!shape.broadcastsTo(target)) {
      throw ShapeException.of("broadcastTo: %s does not broadcast to %s", shape, target);
    }
    if (shape.equals(target)) {
      return this;
    }
    if (isF32()) {
      return wide().broadcastTo(target).to(DType.FLOAT32);
    }
    Tensor out = fresh(target);
    Elementwise.expand(array(), shape.dims(), target.dims(), out.array());
    return out;
  }

  /** Sums over the axes along which {@code target} was broadcast to this shape: broadcasting's adjoint. */
  public Tensor sumTo(Shape target) {
    if (target.equals(shape)) {
      return this;
    }
    if (!target.broadcastsTo(shape)) {
      throw ShapeException.of("sumTo: %s does not broadcast to %s, so %s cannot be summed down to it",
          target, shape, shape);
    }
    Tensor out = fresh(target, dtype());
    if (isF32()) {
      FloatKernels.sumTo(arrayF32(), shape.dims(), target.dims(), out.arrayF32());
    } else {
      Reduce.sumTo(array(), shape.dims(), target.dims(), out.array());
    }
    return out;
  }

  // ---------------------------------------------------------------- linear algebra

  /** The matrix product; rank-3 operands are batches, and a rank-2 operand is reused across a batch. */
  public Tensor matmul(Tensor b) {
    return matmul(b, false, false);
  }

  /** {@code op(this)·op(b)} where {@code op} transposes the last two axes when asked. */
  public Tensor matmul(Tensor b, boolean transA, boolean transB) {
    MatMulShape g = MatMulShape.of("matmul", shape, transA, b.shape, transB);
    DType type = resultType(b);
    Tensor x = to(type);
    Tensor y = b.to(type);
    // A batch against a shared B is one product of batch·n rows (see MatMul.multiply).
    Object packed = b.rank() == 2 && !transA ? y.packedB(g.batch() * g.n(), transB) : null;
    Tensor out = fresh(g.out(), type);
    if (type == DType.FLOAT32) {
      MatMul.multiply(g.batch(), g.n(), g.k(), g.m(), x.arrayF32(), g.aStride(), transA, y.arrayF32(), g.bStride(), transB,
          (float[]) packed, out.arrayF32());
    } else {
      MatMul.multiply(g.batch(), g.n(), g.k(), g.m(), x.array(), g.aStride(), transA, y.array(), g.bStride(), transB,
          (double[]) packed, out.array());
    }
    return out;
  }

  /**
   * {@code this·b + c} with {@code this} [n×k] or a batch [B×n×k] against a shared [k×m] {@code b},
   * and {@code c} broadcast to the product's shape (a bias [m], or a tensor of that shape). Each
   * element's fused multiply-add chain starts from its value of {@code c}, so no separate sum is
   * formed; the result differs from {@code matmul(b).add(c)} only by rounding.
   */
  public Tensor matmulAdd(Tensor b, Tensor c) {
    if (rank() < 2 || rank() > 3 || b.rank() != 2) {
      throw ShapeException.of("matmul_add: takes [n×k] or [B×n×k] against [k×m], got %s and %s", shape, b.shape);
    }
    MatMulShape g = MatMulShape.of("matmul_add", shape, false, b.shape, false);
    if (!c.shape.broadcastsTo(g.out())) {
      throw ShapeException.of("matmul_add: the addend %s does not broadcast to the product's shape %s", c.shape, g.out());
    }
    DType type = resultType(b);
    if (type != c.dtype() && c.rank() > 0) {
      type = DType.FLOAT64;
    }
    Tensor out = fresh(g.out(), type);
    Tensor addend = c.to(type);
    int rows = g.batch() * g.n();
    if (addend.shape.size() == g.m() && (addend.rank() == 0 || addend.shape.dim(addend.rank() - 1) == g.m())) {
      // A bias row ([m], [1×m], …): copy it into every row. (A column [n×1] with n = m is not one.)
      Layout.repeatRow(addend.storageObject(), addend.offset, g.m(), out.storageObject(), rows);
    } else {
      // A view (an unrolled Elman layer's step of its input projection) is read in place.
      Tensor full = addend.broadcastTo(g.out());
      System.arraycopy(full.storageObject(), full.offset, out.storageObject(), 0, out.size());
    }
    Tensor x = to(type);
    Tensor y = b.to(type);
    Object packed = y.packedB(rows, false);
    if (type == DType.FLOAT32) {
      MatMul.multiplyAdd(rows, g.k(), g.m(), x.arrayF32(), false, y.arrayF32(), false, (float[]) packed, out.arrayF32());
    } else {
      MatMul.multiplyAdd(rows, g.k(), g.m(), x.array(), false, y.array(), false, (double[]) packed, out.array());
    }
    return out;
  }

  // ---------------------------------------------------------------- layout

  /**
   * This rank-2 tensor's packed form for a product of {@code rows} rows that reads it as B
   * (transposed when {@code transB}), or null to read it in place: see {@link #packedB}.
   *
   * <p>NOTE: a transposed B would be packed for every such product anyway, so its packed form is
   * made at once; an untransposed one is read in place at first, and packed when it is read a
   * second time, so that a tensor read once costs no copy.
   */
  private Object packedB(int rows, boolean transB) {
    int k = shape.dim(transB ? 1 : 0);
    int m = shape.dim(transB ? 0 : 1);
    if (!MatMul.prefersPackedB(rows, k, m, transB)) {
      return null;
    }
    Object p = transB ? packedBTransposed : packedB;
    if (p == null && (transB || ++packedBUses >= 2)) {
      p = isF32() ? MatMul.packB(arrayF32(), k, m, transB) : MatMul.packB(array(), k, m, transB);
      if (transB) {
        packedBTransposed = p;
      } else {
        packedB = p;
      }
    }
    return p;
  }

  /** Whether this tensor keeps a packed form for few-row products, as is or transposed; for tests. */
  boolean keepsPackedB(boolean transB) {
    return (transB ? packedBTransposed : packedB) != null;
  }

  /** The same elements in a new shape of the same size. */
  public Tensor reshape(Shape target) {
    if (target.size() != shape.size()) {
      throw ShapeException.of("reshape: cannot reshape %s (%d elements) to %s (%d elements)",
          shape, shape.size(), target, target.size());
    }
    return new Tensor(target, base, base32, offset);
  }

  /** Axes reordered: axis {@code i} of the result is axis {@code perm[i]} of this tensor. */
  public Tensor permute(int... perm) {
    checkPermutation("permute", shape, perm);
    if (isF32()) {
      return wide().permute(perm).to(DType.FLOAT32);
    }
    int[] dims = shape.dims();
    int[] outDims = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      outDims[i] = dims[perm[i]];
    }
    Tensor out = fresh(Shape.of(outDims));
    Layout.permute(array(), dims, perm, out.array());
    return out;
  }

  /** The last two axes swapped. */
  public Tensor transpose() {
    if (rank() < 2) {
      throw ShapeException.of("transpose: needs rank ≥ 2, got %s", shape);
    }
    int[] perm = new int[rank()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    perm[rank() - 2] = rank() - 1;
    perm[rank() - 1] = rank() - 2;
    return permute(perm);
  }

  /** Checks that {@code perm} is a permutation of {@code 0..rank-1}. */
  public static void checkPermutation(String op, Shape shape, int[] perm) {
    boolean[] seen = new boolean[perm.length];
    boolean ok = perm.length == shape.rank();
    for (int p : perm) {
      ok = ok && p >= 0 && p < perm.length && !seen[p];
      if (ok) {
        seen[p] = true;
      }
    }
    if (!ok) {
      throw ShapeException.of("%s: %s is not a permutation of the %d axes of %s",
          op, Arrays.toString(perm), shape.rank(), shape);
    }
  }

  /** Tensors joined along {@code axis}; all other dimensions must agree. */
  public static Tensor concat(int axis, List<Tensor> parts) {
    Shape out = concatShape("concat", axis, parts.stream().map(Tensor::shape).toList());
    int a = out.axis(axis);
    DType type = parts.stream().allMatch(Tensor::isF32) ? DType.FLOAT32 : DType.FLOAT64;
    Tensor t = fresh(out, type);
    Object[] arrays = new Object[parts.size()];
    int[] offsets = new int[arrays.length];
    int[] sizes = new int[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      Tensor p = parts.get(i).to(type);  // a view stays a view, read in place
      arrays[i] = p.storageObject();
      offsets[i] = p.offset;
      sizes[i] = p.shape.dim(a);
    }
    Layout.concat(arrays, offsets, sizes, out.outer(a), out.inner(a), t.storageObject(), out.dim(a));
    return t;
  }

  /** The shape of a concatenation, or a {@link ShapeException} naming the first part that disagrees. */
  public static Shape concatShape(String op, int axis, List<Shape> parts) {
    if (parts.isEmpty()) {
      throw ShapeException.of("%s: needs at least one input", op);
    }
    Shape first = parts.get(0);
    int a = first.axis(axis);
    int total = 0;
    for (int i = 0; i < parts.size(); i++) {
      Shape p = parts.get(i);
      if (p.rank() != first.rank() || !p.withDim(a, 0).equals(first.withDim(a, 0))) {
        throw ShapeException.of("%s along axis %d: input %d has shape %s, incompatible with input 0's %s",
            op, axis, i, p, first);
      }
      total += p.dim(a);
    }
    return first.withDim(a, total);
  }

  /** Indices {@code [start, end)} along {@code axis}: a view when they are contiguous (see the NOTE). */
  public Tensor slice(int axis, int start, int end) {
    int a = shape.axis(axis);
    checkSlice("slice", shape, axis, start, end);
    Shape s = shape.withDim(a, end - start);
    if (shape.outer(a) == 1) {
      // NOTE: with every axis before this one of length 1 (a time step of a [T×B×H] sequence is
      // a range of the first axis), the range is contiguous: the result is a view of this storage,
      // no copy. Each step of an unrolled layer slices its input projection, and backprop slices
      // the stacked outputs' gradient: std steps 7–10% faster (bench/README.md, session J).
      return new Tensor(s, base, base32, offset + start * shape.inner(a));
    }
    Tensor out = fresh(s, dtype());
    if (isF32()) {
      Layout.take(arrayF32(), shape.outer(a), shape.dim(a), shape.inner(a), start, end - start, out.arrayF32());
    } else {
      Layout.take(array(), shape.outer(a), shape.dim(a), shape.inner(a), start, end - start, out.array());
    }
    return out;
  }

  /** Checks {@code 0 ≤ start ≤ end ≤ dim(axis)}. */
  public static void checkSlice(String op, Shape shape, int axis, int start, int end) {
    int n = shape.dim(axis);
    if (start < 0 || end > n || start > end) {
      throw ShapeException.of("%s: range [%d, %d) is outside axis %d of %s (length %d)", op, start, end, axis, shape, n);
    }
  }

  /** This tensor with {@code before} and {@code after} zeros added along {@code axis}. */
  public Tensor pad(int axis, int before, int after) {
    int a = shape.axis(axis);
    Preconditions.checkArgument(before >= 0 && after >= 0, "pad: negative padding %s, %s", before, after);
    Shape s = shape.withDim(a, shape.dim(a) + before + after);
    Tensor out = fresh(s, dtype());
    if (isF32()) {
      Layout.place(arrayF32(), shape.outer(a), shape.dim(a), shape.inner(a), out.arrayF32(), s.dim(a), before);
    } else {
      Layout.place(array(), shape.outer(a), shape.dim(a), shape.inner(a), out.array(), s.dim(a), before);
    }
    return out;
  }

  /** Rows of this table (axis 0) picked by {@code rows}; the result has shape {@code rowsShape + dims[1:]}. */
  public Tensor gatherRows(int[] rows, Shape rowsShape) {
    Preconditions.checkArgument(rowsShape.size() == rows.length, "gatherRows: %s indices for shape %s", rows.length, rowsShape);
    if (rank() < 1) {
      throw ShapeException.of("gatherRows: the table must have rank ≥ 1, got %s", shape);
    }
    int v = shape.dim(0);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= v) {
        throw new IndexOutOfBoundsException(String.format(Locale.ROOT,
            "gatherRows: index %d at position %d is outside the table's %d rows (table %s)", rows[i], i, v, shape));
      }
    }
    if (isF32()) {
      return wide().gatherRows(rows, rowsShape).to(DType.FLOAT32);
    }
    int width = shape.inner(0);
    Tensor out = fresh(rowsShape.append(shape.without(0).dims()));
    Layout.gatherRows(array(), width, rows, out.array());
    return out;
  }

  /** The adjoint of {@link #gatherRows}: this tensor's rows added into a zero table of {@code tableShape}. */
  public Tensor scatterAddRows(int[] rows, Shape tableShape) {
    if (isF32()) {
      return wide().scatterAddRows(rows, tableShape).to(DType.FLOAT32);
    }
    Tensor out = fresh(tableShape);
    Layout.scatterAddRows(array(), tableShape.inner(0), rows, out.array());
    return out;
  }

  /** A one-hot encoding: shape {@code classesShape + [depth]}, 1 at each class index. */
  public static Tensor oneHot(int[] classes, Shape classesShape, int depth) {
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] < 0 || classes[i] >= depth) {
        throw new IndexOutOfBoundsException(String.format(Locale.ROOT,
            "oneHot: class %d at position %d is outside [0, %d)", classes[i], i, depth));
      }
    }
    Tensor out = fresh(classesShape.append(depth));
    Layout.oneHot(classes, depth, out.array());
    return out;
  }

  // ---------------------------------------------------------------- reductions

  /** The sum of all elements, as a scalar. */
  public Tensor sum() {
    return new Tensor(Shape.scalar(), new double[] {Reduce.sum(wide().array())}).to(dtype());
  }

  /** Sums along {@code axis}, keeping it with length 1 when {@code keepDims}. */
  public Tensor sum(int axis, boolean keepDims) {
    if (isF32()) {
      return wide().sum(axis, keepDims).to(DType.FLOAT32);
    }
    int a = shape.axis(axis);
    Tensor out = fresh(keepDims ? shape.withDim(a, 1) : shape.without(a));
    Reduce.sumAxis(array(), shape.outer(a), shape.dim(a), shape.inner(a), out.array());
    return out;
  }

  /** Maxima along {@code axis}, keeping it with length 1 when {@code keepDims}. */
  public Tensor max(int axis, boolean keepDims) {
    int a = shape.axis(axis);
    if (shape.dim(a) == 0) {
      throw ShapeException.of("max: axis %d of %s is empty", axis, shape);
    }
    if (isF32()) {
      return wide().max(axis, keepDims).to(DType.FLOAT32);
    }
    Tensor out = fresh(keepDims ? shape.withDim(a, 1) : shape.without(a));
    Reduce.maxAxis(array(), shape.outer(a), shape.dim(a), shape.inner(a), out.array());
    return out;
  }

  /** {@code log(softmax(this))} along {@code axis}, computed stably. */
  public Tensor logSoftmax(int axis) {
    int a = shape.axis(axis);
    Tensor out = fresh(shape, dtype());
    if (isF32()) {
      Softmax.logSoftmax(arrayF32(), shape.outer(a), shape.dim(a), shape.inner(a), out.arrayF32());
    } else {
      Softmax.logSoftmax(array(), shape.outer(a), shape.dim(a), shape.inner(a), out.array());
    }
    return out;
  }

  /** For {@code this = logSoftmax(x, axis)}: the vector-Jacobian product {@code dy − softmax(x)·Σ dy}. */
  public Tensor logSoftmaxVjp(Tensor dy, int axis) {
    int a = shape.axis(axis);
    if (isF32() && dy.isF32()) {
      Tensor out = fresh(shape, DType.FLOAT32);
      Softmax.logSoftmaxBackward(dy.arrayF32(), arrayF32(), shape.outer(a), shape.dim(a), shape.inner(a), out.arrayF32());
      return out;
    }
    if (isF32() || dy.isF32()) {
      return wide().logSoftmaxVjp(dy.wide(), axis).to(resultType(dy));
    }
    Tensor out = fresh(shape);
    Softmax.logSoftmaxBackward(dy.array(), array(), shape.outer(a), shape.dim(a), shape.inner(a), out.array());
    return out;
  }

  /**
   * Softmax cross-entropy along the last axis against one whole-number class index per line
   * ({@code targets} in row-major order of this shape without its last axis):
   * {@code −logSoftmax(this, −1)[…, targets[…]]}: in float64 bit for bit that element of
   * {@link #logSoftmax}, negated; in float32 computed in float, as PyTorch does (within a few ulp,
   * plus the rounding of {@code x − max}). Shaped like this tensor without its last axis.
   *
   * @throws IndexOutOfBoundsException naming the position when a target is outside {@code [0, classes)}
   */
  public Tensor softmaxCrossEntropy(int[] targets) {
    int classes = checkCrossEntropy(targets);
    int lines = targets.length;
    Tensor out = fresh(shape.without(-1), dtype());
    if (isF32()) {
      Softmax.crossEntropy(arrayF32(), lines, classes, targets, out.arrayF32());
    } else {
      Softmax.crossEntropy(array(), lines, classes, targets, out.array());
    }
    return out;
  }

  /**
   * For logits {@code this}: the vector-Jacobian product of {@link #softmaxCrossEntropy},
   * {@code dy[…]·(softmax(this)[…, j] − [j = targets[…]])}.
   */
  public Tensor softmaxCrossEntropyVjp(Tensor dy, int[] targets) {
    int classes = checkCrossEntropy(targets);
    if (!dy.shape.equals(shape.without(-1))) {
      throw ShapeException.of("softmax_cross_entropy: gradient %s for logits %s, expected %s", dy.shape, shape,
          shape.without(-1));
    }
    if (isF32() && dy.isF32()) {
      Tensor out = fresh(shape, DType.FLOAT32);
      Softmax.crossEntropyBackward(dy.arrayF32(), arrayF32(), targets.length, classes, targets, out.arrayF32());
      return out;
    }
    if (isF32() || dy.isF32()) {
      return wide().softmaxCrossEntropyVjp(dy.wide(), targets).to(resultType(dy));
    }
    Tensor out = fresh(shape);
    Softmax.crossEntropyBackward(dy.array(), array(), targets.length, classes, targets, out.array());
    return out;
  }

  /** The number of classes, after checking this tensor's rank and the targets' count and range. */
  private int checkCrossEntropy(int[] targets) {
    if (rank() < 1 || shape.without(-1).size() != targets.length) {
      throw ShapeException.of("softmax_cross_entropy: logits %s need %s targets (one per line), got %d", shape,
          rank() < 1 ? "?" : String.valueOf(shape.without(-1).size()), targets.length);
    }
    int classes = shape.dim(-1);
    for (int i = 0; i < targets.length; i++) {
      if (targets[i] < 0 || targets[i] >= classes) {
        throw new IndexOutOfBoundsException(String.format(Locale.ROOT,
            "softmax_cross_entropy: target %d at position %d is outside [0, %d) (logits %s)", targets[i], i,
            classes, shape));
      }
    }
    return classes;
  }

  // ---------------------------------------------------------------- inspection

  /** True when no element is NaN or infinite. */
  public boolean isFinite() {
    for (int i = 0; i < size(); i++) {
      if (!Double.isFinite(getFlat(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when the shapes are equal and every element satisfies
   * {@code |a − b| ≤ atol + rtol·max(|a|, |b|)} (NaN never matches).
   */
  public boolean closeTo(Tensor other, double rtol, double atol) {
    return mismatch(other, rtol, atol).isEmpty();
  }

  /** The first difference that breaks {@link #closeTo}, described for a test failure; empty when close. */
  public Optional<String> mismatch(Tensor other, double rtol, double atol) {
    if (!shape.equals(other.shape)) {
      return Optional.of("shapes differ: " + shape + " vs " + other.shape);
    }
    for (int i = 0; i < size(); i++) {
      double a = getFlat(i);
      double b = other.getFlat(i);
      double tol = atol + rtol * Math.max(Math.abs(a), Math.abs(b));
      if (!(Math.abs(a - b) <= tol) && !(a == b)) {
        return Optional.of(String.format(Locale.ROOT, "element %d of %s: %s vs %s (|diff| %.3g > tolerance %.3g)",
            i, shape, a, b, Math.abs(a - b), tol));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && shape.equals(t.shape) && isF32() == t.isF32()
        && (isF32() ? Arrays.equals(arrayF32(), t.arrayF32()) : Arrays.equals(array(), t.array()));
  }

  @Override
  public int hashCode() {
    return 31 * shape.hashCode() + (isF32() ? Arrays.hashCode(arrayF32()) : Arrays.hashCode(array()));
  }

  /** For example {@code Tensor[2×3] float64 [[1, 2, 3], [4, 5, 6]]}; long axes are elided with {@code …}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(shape).append(' ').append(dtype()).append(' ');
    appendValues(sb, 0, 0);
    return sb.toString();
  }

  private static final int EDGE = 3;

  private void appendValues(StringBuilder sb, int axis, int offset) {
    if (axis == shape.rank()) {
      sb.append(formatNumber(getFlat(offset)));
      return;
    }
    int n = shape.dim(axis);
    int stride = shape.inner(axis);
    sb.append('[');
    for (int i = 0; i < n; i++) {
      if (n > 2 * EDGE && i == EDGE) {
        sb.append("…, ");
        i = n - EDGE;
      }
      appendValues(sb, axis + 1, offset + i * stride);
      if (i < n - 1) {
        sb.append(", ");
      }
    }
    sb.append(']');
  }

  /** Up to five significant digits, trailing zeros dropped: {@code 1}, {@code 0.25}, {@code -3.1416e-05}. */
  public static String formatNumber(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return Long.toString((long) v);
    }
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    String s = String.format(Locale.ROOT, "%.5g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    String exponent = e < 0 ? "" : s.substring(e);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return mantissa + exponent;
  }
}
