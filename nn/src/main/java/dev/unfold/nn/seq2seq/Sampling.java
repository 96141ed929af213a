package dev.unfold.nn.seq2seq;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Tensor;
import org.apache.commons.math3.random.RandomGenerator;

/** Drawing classes from logits with a temperature and an optional top-k cut, seeded. */
public final class Sampling {
  private Sampling() {}

  /**
   * One class per row of logits [B×V] from softmax(logits / temperature), restricted to the
   * {@code topK} most likely classes when {@code topK > 0}.
   */
  public static int[] sample(Tensor logits, double temperature, int topK, RandomGenerator rng) {
    Preconditions.checkArgument(temperature > 0, "sampling: temperature must be positive, got %s", temperature);
    int batch = logits.shape().dim(0);
    int classes = logits.shape().dim(1);
    Preconditions.checkArgument(topK >= 0 && topK <= classes, "sampling: top-k %s for %s classes", topK, classes);
    int[] out = new int[batch];
    double[] p = new double[classes];
    for (int b = 0; b < batch; b++) {
      double cut = Double.NEGATIVE_INFINITY;
      if (topK > 0) {
        double[] row = new double[classes];
        for (int c = 0; c < classes; c++) {
          row[c] = logits.get(b, c);
        }
        java.util.Arrays.sort(row);
        cut = row[classes - topK];
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits.get(b, c));
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        double v = logits.get(b, c);
        p[c] = v >= cut ? Math.exp((v - max) / temperature) : 0;
        sum += p[c];
      }
      double u = rng.nextDouble() * sum;
      int chosen = classes - 1;
      for (int c = 0; c < classes; c++) {
        u -= p[c];
        if (u < 0 && p[c] > 0) {
          chosen = c;
          break;
        }
      }
      while (p[chosen] == 0) {
        chosen--;  // rounding left u ≥ 0 after the last kept class: take the last kept one
      }
      out[b] = chosen;
    }
    return out;
  }
}
