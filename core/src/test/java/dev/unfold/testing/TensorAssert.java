package dev.unfold.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.unfold.tensor.Tensor;

/** Assertions on tensors that describe the first mismatching element. */
public final class TensorAssert {
  private TensorAssert() {}

  /** Fails unless every element satisfies {@code |a − e| ≤ atol + rtol·max(|a|, |e|)}. */
  public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol) {
    expected.mismatch(actual, rtol, atol).ifPresent(m -> fail("tensors differ: " + m));
  }

  /** {@link #assertClose} with the float64 tolerances of {@link Tolerances}. */
  public static void assertClose(Tensor expected, Tensor actual) {
    assertClose(expected, actual, Tolerances.F64_RTOL, Tolerances.F64_ATOL);
  }
}
