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
  void shapesMustAgree() {
    ShapeException e = assertThrows(ShapeException.class, () -> TensorSum.of(Tensors.ones(2), Tensors.ones(3)));
    assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
  }
}
