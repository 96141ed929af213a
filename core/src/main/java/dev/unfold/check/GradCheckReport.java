package dev.unfold.check;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a {@link GradCheck}: for each differentiated input, the worst absolute and
 * relative error and the element that broke the criterion by the most.
 */
public record GradCheckReport(String label, List<InputReport> inputs, double step, double rtol, double atol) {

  /** True when every element of every input met the criterion. */
  public boolean passed() {
    return inputs.stream().allMatch(InputReport::passed);
  }

  /**
   * One input's comparison.
   *
   * @param name {@code input 0}, {@code parameter lstm/W}, …
   * @param shape the input's shape
   * @param worstAbsError max over elements of {@code |analytic − numeric|}
   * @param worstRelError max over elements of {@code |analytic − numeric| / max(|analytic|, |numeric|)}
   * @param failures number of elements that broke the criterion
   * @param worstIndex the element that broke it by the most (or came closest to), as a full index
   * @param analyticAtWorst the backprop gradient there
   * @param numericAtWorst the finite-difference gradient there
   */
  public record InputReport(String name, Shape shape, double worstAbsError, double worstRelError, int failures,
      int[] worstIndex, double analyticAtWorst, double numericAtWorst) {

    public boolean passed() {
      return failures == 0;
    }

    static InputReport compare(String name, Tensor analytic, Tensor numeric, double rtol, double atol) {
      if (!analytic.shape().equals(numeric.shape())) {
        throw new IllegalStateException(name + ": analytic gradient has shape " + analytic.shape()
            + ", expected " + numeric.shape());
      }
      double worstAbs = 0;
      double worstRel = 0;
      double worstExcess = Double.NEGATIVE_INFINITY;
      int worst = 0;
      int failures = 0;
      for (int e = 0; e < analytic.size(); e++) {
        double a = analytic.getFlat(e);
        double n = numeric.getFlat(e);
        double diff = Math.abs(a - n);
        double scale = Math.max(Math.abs(a), Math.abs(n));
        double rel = scale == 0 ? 0 : diff / scale;
        double tol = rtol * scale + atol;
        boolean ok = diff <= tol;
        if (!ok) {
          failures++;
          if (Double.isNaN(diff)) {
            worstAbs = Double.NaN;
            worstRel = Double.NaN;
          }
        }
        worstAbs = Double.isNaN(worstAbs) ? worstAbs : Math.max(worstAbs, diff);
        worstRel = Double.isNaN(worstRel) ? worstRel : Math.max(worstRel, rel);
        double excess = ok ? diff - tol : (Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff - tol);
        if (excess > worstExcess) {
          worstExcess = excess;
          worst = e;
        }
      }
      int[] index = unravel(worst, analytic.shape());
      double a = analytic.size() == 0 ? 0 : analytic.getFlat(worst);
      double n = numeric.size() == 0 ? 0 : numeric.getFlat(worst);
      return new InputReport(name, analytic.shape(), worstAbs, worstRel, failures, index, a, n);
    }

    private static int[] unravel(int flat, Shape shape) {
      int[] idx = new int[shape.rank()];
      for (int i = shape.rank() - 1; i >= 0; i--) {
        int d = shape.dim(i);
        if (d > 0) {
          idx[i] = flat % d;
          flat /= d;
        }
      }
      return idx;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s %s: %s, worst abs error %.3g, worst rel error %.3g; "
              + "at element %s analytic %.10g vs numeric %.10g",
          name, shape, passed() ? "ok" : failures + " element(s) FAILED", worstAbsError, worstRelError,
          Arrays.toString(worstIndex), analyticAtWorst, numericAtWorst);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "gradient check of %s: %s (central differences, step %.1g; "
        + "pass when |analytic − numeric| ≤ %.1g·max(|analytic|, |numeric|) + %.1g)",
        label, passed() ? "passed" : "FAILED", step, rtol, atol));
    for (InputReport r : inputs) {
      sb.append("\n  ").append(r);
    }
    return sb.toString();
  }
}
