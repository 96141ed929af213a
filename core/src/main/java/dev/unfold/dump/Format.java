package dev.unfold.dump;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorSummary;
import java.util.List;

/** How the text and DOT renderers write numbers, so both show the same digits. */
final class Format {
  private Format() {}

  /** Up to five significant digits (see {@link Tensor#formatNumber}). */
  static String number(double v) {
    return Tensor.formatNumber(v);
  }

  /** {@code min/mean/max} of the finite elements, or {@code -} when none is finite. */
  static String minMeanMax(TensorSummary s) {
    return s.finite() == 0 ? "-" : number(s.min()) + "/" + number(s.mean()) + "/" + number(s.max());
  }

  /** {@code min/max} of the finite elements, or {@code -} when none is finite. */
  static String minMax(TensorSummary s) {
    return s.finite() == 0 ? "-" : number(s.min()) + "/" + number(s.max());
  }

  /** Every element, nested by axis, with no elision: {@code [[1, 2], [3, 4]]}. */
  static String elements(Tensor t) {
    StringBuilder sb = new StringBuilder();
    appendElements(sb, t, 0, 0);
    return sb.toString();
  }

  private static void appendElements(StringBuilder sb, Tensor t, int axis, int offset) {
    Shape s = t.shape();
    if (axis == s.rank()) {
      sb.append(number(t.getFlat(offset)));
      return;
    }
    sb.append('[');
    for (int i = 0; i < s.dim(axis); i++) {
      sb.append(i == 0 ? "" : ", ");
      appendElements(sb, t, axis + 1, offset + i * s.inner(axis));
    }
    sb.append(']');
  }

  /** {@code 1 node}, {@code 24 nodes}. */
  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** {@code #3,#5}, or {@code -} for none. */
  static String ids(List<Integer> ids) {
    if (ids.isEmpty()) {
      return "-";
    }
    if (ids.size() > 4) {
      // NOTE: a concatenation over many steps would otherwise widen the column for every row.
      return "#" + ids.get(0) + ",#" + ids.get(1) + ",…,#" + ids.get(ids.size() - 1) + " (" + ids.size() + ")";
    }
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(sb.length() == 0 ? "#" : ",#").append(id);
    }
    return sb.toString();
  }

  /** {@code t=0…2} for consecutive steps, else {@code t=0,2,5}; empty for none. */
  static String steps(List<Integer> steps) {
    if (steps.isEmpty()) {
      return "";
    }
    int first = steps.get(0);
    int last = steps.get(steps.size() - 1);
    if (steps.size() == 1) {
      return "t=" + first;
    }
    if (last - first + 1 == steps.size()) {
      return "t=" + first + "…" + last;
    }
    StringBuilder sb = new StringBuilder("t=");
    for (int i = 0; i < steps.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(steps.get(i));
    }
    return sb.toString();
  }
}
