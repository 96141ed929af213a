package dev.unfold.tensor;

import java.util.Locale;

/**
 * A few numbers that describe a tensor's elements without listing them: the element count, how
 * many are NaN and how many infinite, the minimum, mean and maximum of the finite elements, and
 * the L2 norm of all elements.
 *
 * <p>Min, mean and max are NaN when no element is finite (or the tensor is empty); the norm is
 * NaN when any element is NaN and infinite when any is infinite, so an anomaly cannot hide in
 * it. Immutable.
 *
 * @param count number of elements
 * @param nan number of NaN elements
 * @param inf number of infinite elements (either sign)
 * @param min smallest finite element
 * @param mean mean of the finite elements
 * @param max largest finite element
 * @param norm L2 norm of all elements
 */
public record TensorSummary(int count, int nan, int inf, double min, double mean, double max, double norm) {

  public TensorSummary {
    if (count < 0 || nan < 0 || inf < 0 || nan + inf > count) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "summary counts are inconsistent: %d elements, %d NaN, %d Inf", count, nan, inf));
    }
  }

  /** Summarises {@code t}; never modifies it. */
  public static TensorSummary of(Tensor t) {
    int n = t.size();
    int nan = 0;
    int inf = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    double maxAbs = 0;
    for (int i = 0; i < n; i++) {
      double v = t.getFlat(i);
      if (Double.isNaN(v)) {
        nan++;
      } else if (Double.isInfinite(v)) {
        inf++;
      } else {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
    }
    int finite = n - nan - inf;
    double norm;
    if (nan > 0) {
      norm = Double.NaN;
    } else if (inf > 0) {
      norm = Double.POSITIVE_INFINITY;
    } else if (maxAbs == 0) {
      norm = 0;
    } else {
      // NOTE: scaled by the largest magnitude so that squaring cannot overflow or underflow.
      double ss = 0;
      for (int i = 0; i < n; i++) {
        double r = t.getFlat(i) / maxAbs;
        ss += r * r;
      }
      norm = maxAbs * Math.sqrt(ss);
    }
    return finite == 0
        ? new TensorSummary(n, nan, inf, Double.NaN, Double.NaN, Double.NaN, norm)
        : new TensorSummary(n, nan, inf, min, sum / finite, max, norm);
  }

  /** Number of finite elements. */
  public int finite() {
    return count - nan - inf;
  }

  /** True when every element is finite. */
  public boolean allFinite() {
    return nan == 0 && inf == 0;
  }

  /**
   * The summary of the two tensors' elements taken together, as if concatenated: counts add,
   * min and max combine, the mean is weighted by finite counts and the norms combine in
   * quadrature.
   */
  public TensorSummary merge(TensorSummary o) {
    int finite = finite() + o.finite();
    double mergedMean = finite == 0 ? Double.NaN
        : ((finite() == 0 ? 0 : mean * finite()) + (o.finite() == 0 ? 0 : o.mean * o.finite())) / finite;
    return new TensorSummary(count + o.count, nan + o.nan, inf + o.inf,
        finite() == 0 ? o.min : o.finite() == 0 ? min : Math.min(min, o.min), mergedMean,
        finite() == 0 ? o.max : o.finite() == 0 ? max : Math.max(max, o.max),
        nan + o.nan > 0 ? Double.NaN : Math.hypot(norm, o.norm));
  }

  /** For example {@code min/mean/max -1/0.25/3, 0 NaN, 0 Inf, ‖·‖ 3.3}, or {@code no finite element, 2 NaN, …}. */
  @Override
  public String toString() {
    String range = finite() == 0 ? "no finite element"
        : "min/mean/max " + Tensor.formatNumber(min) + "/" + Tensor.formatNumber(mean) + "/" + Tensor.formatNumber(max);
    return range + ", " + nan + " NaN, " + inf + " Inf, ‖·‖ " + Tensor.formatNumber(norm);
  }
}
