package dev.unfold.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.unfold.testing.Values;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorSummaryTest {
  @Test
  void countsNonFiniteElementsAndSummarisesTheRest() {
    TensorSummary s = TensorSummary.of(Tensors.vector(1, Double.NaN, -2, Double.POSITIVE_INFINITY, 4));
    assertEquals(new TensorSummary(5, 1, 1, -2, 1, 4, Double.NaN), s);
    assertEquals(Double.POSITIVE_INFINITY, TensorSummary.of(Tensors.vector(3, Double.NEGATIVE_INFINITY)).norm());
  }

  @Test
  void normNeitherOverflowsNorUnderflows() {
    assertEquals(5e200, TensorSummary.of(Tensors.vector(3e200, 4e200)).norm(), 1e186);
    assertEquals(5e-200, TensorSummary.of(Tensors.vector(3e-200, 4e-200)).norm(), 1e-214);
  }

  @Test
  void noFiniteElementLeavesMinMeanMaxUndefined() {
    TensorSummary s = TensorSummary.of(Tensors.vector(Double.NaN));
    assertEquals(List.of(Double.NaN, Double.NaN, Double.NaN), List.of(s.min(), s.mean(), s.max()));
    assertEquals("no finite element, 1 NaN, 0 Inf, ‖·‖ NaN", s.toString());
    assertEquals("min/mean/max -2/1/4, 0 NaN, 1 Inf, ‖·‖ Infinity",
        TensorSummary.of(Tensors.vector(-2, 4, Double.POSITIVE_INFINITY)).toString());
    assertEquals(0, TensorSummary.of(Tensors.zeros(0)).count());
  }

  @Test
  void mergeEqualsTheSummaryOfTheConcatenation() {
    Tensor a = Values.signed(1, 2, 3);
    Tensor b = Tensors.vector(7, Double.NaN, -9, Double.NEGATIVE_INFINITY);
    TensorSummary merged = TensorSummary.of(a).merge(TensorSummary.of(b));
    TensorSummary whole = TensorSummary.of(Tensor.concat(0, List.of(a.reshape(Shape.of(6)), b)));
    assertEquals(whole.count(), merged.count());
    assertEquals(List.of(whole.nan(), whole.inf(), whole.min(), whole.max()),
        List.of(merged.nan(), merged.inf(), merged.min(), merged.max()));
    assertEquals(whole.mean(), merged.mean(), 1e-12);
    TensorSummary finite = TensorSummary.of(a).merge(TensorSummary.of(Tensors.vector(7, -9)));
    assertEquals(Math.hypot(TensorSummary.of(a).norm(), Math.hypot(7, 9)), finite.norm(), 1e-12);
  }

  @Test
  void inconsistentCountsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TensorSummary(2, 2, 1, 0, 0, 0, 0));
    assertEquals("summary counts are inconsistent: 2 elements, 2 NaN, 1 Inf", e.getMessage());
  }
}
