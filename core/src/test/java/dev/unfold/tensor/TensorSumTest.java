package dev.unfold.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class TensorSumTest {

  @Test
  void sumsInArrivalOrderLikeRepeatedAddAndLeavesItsInputsAlone() {
    Well19937c rng = new Well19937c(8);
    Tensor a = Tensors.normal(rng, Shape.of(3, 4), 0, 1);
    Tensor b = Tensors.normal(rng, Shape.of(3, 4), 0, 1);
    Tensor c = Tensors.normal(rng, Shape.of(3, 4), 0, 1);
    Tensor aCopy = Tensors.of(a.shape(), a.toArray());
    Tensor bCopy = Tensors.of(b.shape(), b.toArray());
    TensorSum sum = TensorSum.of(a, b);
    sum.add(c);
    assertEquals(a.add(b).add(c), sum.result());
    assertEquals(aCopy, a);
    assertEquals(bCopy, b);
  }

  @Test
  void theResultIsHandedOutOnceAndNeverChangesAfterwards() {
    TensorSum sum = TensorSum.of(Tensors.ones(2), Tensors.ones(2));
    Tensor r = sum.result();
    assertThrows(IllegalStateException.class, () -> sum.add(Tensors.ones(2)));
    assertThrows(IllegalStateException.class, sum::result);
    assertEquals(Tensors.full(Shape.of(2), 2), r);
  }

  @Test
  void productsAddInPlaceAndTheirShapesAreChecked() {
    Well19937c rng = new Well19937c(9);
    Tensor a = Tensors.normal(rng, Shape.of(5, 3), 0, 1);
    Tensor b = Tensors.normal(rng, Shape.of(5, 4), 0, 1);
    Tensor start = Tensors.normal(rng, Shape.of(3, 4), 0, 1);
    TensorSum sum = TensorSum.of(start);
    sum.addProduct(a, true, b, false);
    Tensor expected = start.add(a.matmul(b, true, false));
    assertTrue(expected.closeTo(sum.result(), 1e-14, 1e-15));
    TensorSum wrong = TensorSum.ofProduct(a, true, b, false);
    assertThrows(ShapeException.class, () -> wrong.addProduct(a, false, b, true));
  }

  @Test
  void slicesAddInPlaceLikePaddedTensors() {
    Well19937c rng = new Well19937c(10);
    Tensor first = Tensors.normal(rng, Shape.of(2, 3, 5), 0, 1);
    Tensor part = Tensors.normal(rng, Shape.of(2, 2, 5), 0, 1);
    TensorSum sum = TensorSum.of(first);
    sum.addSlice(part, 1, 1);
    assertEquals(first.add(part.pad(1, 1, 0)), sum.result());
    TensorSum zeros = TensorSum.zeros(Shape.of(2, 3, 5));
    assertThrows(ShapeException.class, () -> zeros.addSlice(part, 1, 2));
    assertThrows(ShapeException.class, () -> zeros.addSlice(part, 0, 0));
  }

  @Test
  void shapesMustAgree() {
    ShapeException e = assertThrows(ShapeException.class, () -> TensorSum.of(Tensors.ones(2), Tensors.ones(3)));
    assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
  }
}
