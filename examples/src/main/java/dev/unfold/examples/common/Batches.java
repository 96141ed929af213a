package dev.unfold.examples.common;

import dev.unfold.nn.seq.Lengths;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.List;

/** Padding variable-length id sequences into time-major batches. */
public final class Batches {
  private Batches() {}

  /** Ids [T×B] (padded with {@code pad}) for sequences of different lengths. */
  public static Tensor timeMajor(List<int[]> sequences, int pad) {
    int steps = sequences.stream().mapToInt(s -> s.length).max().orElseThrow();
    int batch = sequences.size();
    double[] d = new double[steps * batch];
    java.util.Arrays.fill(d, pad);
    for (int b = 0; b < batch; b++) {
      int[] s = sequences.get(b);
      for (int t = 0; t < s.length; t++) {
        d[t * batch + b] = s[t];
      }
    }
    return Tensors.of(Shape.of(steps, batch), d);
  }

  public static Lengths lengths(List<int[]> sequences) {
    return Lengths.of(sequences.stream().mapToInt(s -> s.length).toArray());
  }

  /** 1 at valid positions [T×B], 0 at padding. */
  public static Tensor mask(List<int[]> sequences) {
    int steps = sequences.stream().mapToInt(s -> s.length).max().orElseThrow();
    return lengths(sequences).masks(steps).reshape(Shape.of(steps, sequences.size()));
  }
}
