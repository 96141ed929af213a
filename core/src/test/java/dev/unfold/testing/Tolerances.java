package dev.unfold.testing;

/** Named tolerances for comparing float64 results. */
public final class Tolerances {
  private Tolerances() {}

  /** Relative tolerance for float64 results computed in a different order than the reference. */
  public static final double F64_RTOL = 1e-9;
  /** Absolute tolerance floor for float64 results near zero. */
  public static final double F64_ATOL = 1e-12;
}
