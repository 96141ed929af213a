package dev.unfold.bench;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.kernel.Kernels;
import java.util.Locale;

/**
 * Run in a child JVM by {@link TrainingTaskKernelsTest}: prints the kernels in use, each std
 * model's forward loss and the losses of three small training steps, as exact hex doubles.
 */
public final class TrainingTaskProbe {
  private TrainingTaskProbe() {}

  public static void main(String[] args) {
    System.out.println("kernels " + (Kernels.vectorized() ? "vector" : "plain"));
    for (String cell : new String[] {"rnn", "gru", "lstm"}) {
      TrainingTask std = new TrainingTask(cell, TrainingTask.Config.STD, DType.FLOAT64, 0);
      System.out.println(String.format(Locale.ROOT, "std %s forward %s", cell, Double.toHexString(std.forward())));
      TrainingTask small = new TrainingTask(cell, TrainingTask.Config.SMALL, DType.FLOAT64, 0);
      for (int i = 0; i < 3; i++) {
        System.out.println(String.format(Locale.ROOT, "small %s step %d %s", cell, i, Double.toHexString(small.step())));
      }
    }
  }
}
