package dev.unfold.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Slices that share their source's storage (a range of the first axis, see {@link Tensor#slice}):
 * every operation on a view gives the bits it gives on a copy of the same elements, in both
 * element types, and a view never changes when anything else is computed.
 */
class TensorViewTest {
  /** A [5×4×6] tensor of seeded values, and a view of steps 2…3 of it. */
  private static Tensor source(DType dtype, long seed) {
    return Tensors.normal(new Well19937c(seed), Shape.of(5, 4, 6), 0, 1).to(dtype);
  }

  /** The same elements as {@code t}, in storage of their own. */
  private static Tensor copyOf(Tensor t) {
    return Tensors.of(t.shape(), t.toArray()).to(t.dtype());
  }

  private static void assertSameBits(Tensor expected, Tensor actual) {
    assertEquals(expected.shape(), actual.shape());
    assertEquals(expected.dtype(), actual.dtype());
    assertEquals(expected, actual);
    assertArrayEquals(expected.toArray(), actual.toArray());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void aRangeOfTheFirstAxisSharesStorageAndReadsTheRightElements(DType dtype) {
    Tensor x = source(dtype, 1);
    Tensor v = x.slice(0, 2, 4);
    assertEquals(Shape.of(2, 4, 6), v.shape());
    assertSame(x.storageObject(), v.storageObject());
    assertEquals(2 * 4 * 6, v.offset());
    for (int i = 0; i < v.size(); i++) {
      assertEquals(x.getFlat(2 * 24 + i), v.getFlat(i));
    }
    assertEquals(x.get(3, 1, 5), v.get(1, 1, 5));
    assertEquals(copyOf(v).hashCode(), v.hashCode());
    assertEquals(copyOf(v).toString(), v.toString());
    // A view of a view, reshaped, and a range of axis 1 where axis 0 has length 1.
    Tensor step = v.slice(0, 1, 2).reshape(Shape.of(1, 4, 6));
    assertEquals(3 * 24, step.offset());
    Tensor rows = step.slice(1, 1, 3);
    assertEquals(3 * 24 + 6, rows.offset());
    assertSameBits(copyOf(x).slice(0, 3, 4).slice(1, 1, 3), rows);
    // A range of a later axis with more than one outer block is a copy.
    Tensor columns = x.slice(2, 1, 3);
    assertNotSame(x.storageObject(), columns.storageObject());
    assertEquals(0, columns.offset());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void everyOperationGivesTheBitsOfACopy(DType dtype) {
    Tensor x = source(dtype, 2);
    Tensor v = x.slice(0, 1, 3).reshape(Shape.of(8, 6));
    Tensor c = copyOf(v);
    Tensor w = Tensors.normal(new Well19937c(3), Shape.of(6, 5), 0, 1).to(dtype);
    Tensor sq = Tensors.normal(new Well19937c(4), Shape.of(8, 8), 0, 1).to(dtype);
    assertSameBits(c.tanh(), v.tanh());
    assertSameBits(c.sigmoid(), v.sigmoid());
    assertSameBits(c.add(c), v.add(v));
    assertSameBits(c.mul(Tensors.scalar(3)), v.mul(Tensors.scalar(3)));
    assertSameBits(c.scale(0.5), v.scale(0.5));
    assertSameBits(c.transpose(), v.transpose());
    assertSameBits(c.matmul(w), v.matmul(w));
    assertSameBits(sq.matmul(c), sq.matmul(v));
    assertSameBits(c.matmul(c, true, false), v.matmul(v, true, false));
    assertSameBits(c.matmul(c, false, true), v.matmul(v, false, true));
    assertSameBits(sq.matmulAdd(c, c.scale(2)), sq.matmulAdd(v, v.scale(2)));
    assertSameBits(sq.matmulAdd(c, c), sq.matmulAdd(v, v));
    assertSameBits(sq.matmulAdd(c, c.slice(0, 2, 3)), sq.matmulAdd(v, v.slice(0, 2, 3)));
    assertSameBits(c.sum(), v.sum());
    assertSameBits(c.sum(0, false), v.sum(0, true).reshape(Shape.of(6)));
    assertSameBits(c.max(1, true), v.max(1, true));
    assertSameBits(c.logSoftmax(1), v.logSoftmax(1));
    assertSameBits(c.pad(0, 1, 2), v.pad(0, 1, 2));
    assertSameBits(c.slice(1, 2, 5), v.slice(1, 2, 5));
    assertSameBits(Tensor.concat(0, List.of(c, c)), Tensor.concat(0, List.of(v, v)));
    assertSameBits(c.to(DType.FLOAT32), v.to(DType.FLOAT32));
    assertSameBits(c.to(DType.FLOAT64), v.to(DType.FLOAT64));
    assertSameBits(c.tanhVjp(c), v.tanhVjp(v));
    assertTrue(v.equals(c) && c.equals(v));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void concatenationsOfManyViewsSplitOverThreadsGiveTheCopiesBits(DType dtype) {
    // 50 steps of [32×256]: more than Elementwise.SIMPLE_PARALLEL elements, so the parts are
    // split between threads; along axis 0 (views of one source) and along axis 1 (copies).
    Tensor seq = Tensors.normal(new Well19937c(13), Shape.of(50, 32, 256), 0, 1).to(dtype);
    List<Tensor> steps = new java.util.ArrayList<>();
    List<Tensor> copies = new java.util.ArrayList<>();
    for (int t = 0; t < 50; t++) {
      steps.add(seq.slice(0, t, t + 1));
      copies.add(copyOf(steps.get(t)));
    }
    assertSameBits(seq, Tensor.concat(0, steps));
    assertSameBits(Tensor.concat(0, copies), Tensor.concat(0, steps));
    assertSameBits(Tensor.concat(1, copies), Tensor.concat(1, steps));
    assertSameBits(Tensor.concat(2, copies), Tensor.concat(2, steps));
    // Mixed types join in float64.
    List<Tensor> mixed = new java.util.ArrayList<>(steps);
    mixed.set(3, steps.get(3).to(dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32));
    List<Tensor> mixedCopies = new java.util.ArrayList<>();
    for (Tensor m : mixed) {
      mixedCopies.add(copyOf(m));
    }
    assertSameBits(Tensor.concat(0, mixedCopies), Tensor.concat(0, mixed));
    assertEquals(DType.FLOAT64, Tensor.concat(0, mixed).dtype());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void sumsReadViewsInPlace(DType dtype) {
    Tensor x = source(dtype, 5);
    Tensor v = x.slice(0, 4, 5).reshape(Shape.of(4, 6));
    Tensor c = copyOf(v);
    Tensor start = Tensors.normal(new Well19937c(6), Shape.of(4, 6), 0, 1).to(dtype);
    TensorSum viaView = TensorSum.of(start);
    viaView.add(v);
    viaView.addSlice(v.slice(0, 1, 3), 0, 2);
    TensorSum viaCopy = TensorSum.of(start);
    viaCopy.add(c);
    viaCopy.addSlice(c.slice(0, 1, 3), 0, 2);
    assertSameBits(viaCopy.result(), viaView.result());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void recurrentUpdatesReadAViewedInputProjection(DType dtype) {
    int batch = 3;
    int hid = 4;
    Tensor lstmProjection = Tensors.normal(new Well19937c(7), Shape.of(5, batch, 4 * hid), 0, 1).to(dtype);
    Tensor xPre = lstmProjection.slice(0, 2, 3).reshape(Shape.of(batch, 4 * hid));
    Tensor hPre = Tensors.normal(new Well19937c(8), Shape.of(batch, 4 * hid), 0, 1).to(dtype);
    Tensor c = Tensors.normal(new Well19937c(9), Shape.of(batch, hid), 0, 1).to(dtype);
    RecurrentUpdates.Lstm viaView = RecurrentUpdates.lstm(xPre, hPre, c);
    RecurrentUpdates.Lstm viaCopy = RecurrentUpdates.lstm(copyOf(xPre), hPre, c);
    assertSameBits(viaCopy.out(), viaView.out());
    assertSameBits(viaCopy.gates(), viaView.gates());

    Tensor gruProjection = Tensors.normal(new Well19937c(10), Shape.of(5, batch, 3 * hid), 0, 1).to(dtype);
    Tensor gx = gruProjection.slice(0, 4, 5).reshape(Shape.of(batch, 3 * hid));
    Tensor gh = Tensors.normal(new Well19937c(11), Shape.of(batch, 3 * hid), 0, 1).to(dtype);
    RecurrentUpdates.Gru gruView = RecurrentUpdates.gru(gx, gh, c);
    RecurrentUpdates.Gru gruCopy = RecurrentUpdates.gru(copyOf(gx), gh, c);
    assertSameBits(gruCopy.out(), gruView.out());
    assertSameBits(gruCopy.gates(), gruView.gates());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void aViewStaysAsItWasAndChecksItsRange(DType dtype) {
    Tensor x = source(dtype, 12);
    Tensor before = copyOf(x);
    Tensor v = x.slice(0, 0, 2);
    Tensor expected = copyOf(v);
    // Operations that copy a view's elements out, and sums that add a view into storage they own.
    v.tanh();
    TensorSum sum = TensorSum.of(v);
    sum.add(v);
    sum.result();
    assertSameBits(before, x);
    assertSameBits(expected, v);
    assertThrows(ShapeException.class, () -> v.slice(0, 1, 3));
    assertEquals(0, x.slice(0, 3, 3).size());
  }
}
