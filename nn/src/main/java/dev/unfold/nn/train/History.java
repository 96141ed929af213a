package dev.unfold.nn.train;

import dev.unfold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/** What a training run measured: one record per update and one per epoch. */
public final class History {
  /** One update. */
  public record Step(long step, int epoch, double loss, double gradNorm, double learningRate, double tokensPerSecond,
      Map<String, Double> metrics) {}

  /** One epoch: mean training loss and, with a validation split, the validation loss and metrics. */
  public record Epoch(int epoch, double trainLoss, OptionalDouble validationLoss, Map<String, Double> validationMetrics) {}

  private final List<Step> steps = new ArrayList<>();
  private final List<Epoch> epochs = new ArrayList<>();
  private String stopReason = "";

  void add(Step s) {
    steps.add(s);
  }

  void add(Epoch e) {
    epochs.add(e);
  }

  void stopped(String reason) {
    stopReason = reason;
  }

  public List<Step> steps() {
    return List.copyOf(steps);
  }

  public List<Epoch> epochs() {
    return List.copyOf(epochs);
  }

  /** Why training ended: {@code "epochs"}, {@code "max steps"}, {@code "early stopping"} or a callback's reason. */
  public String stopReason() {
    return stopReason;
  }

  /** The loss of every update, in order. */
  public double[] losses() {
    return steps.stream().mapToDouble(Step::loss).toArray();
  }

  /**
   * Writes the step records as CSV (step, epoch, loss, grad_norm, learning_rate,
   * tokens_per_second, each metric, validation_loss on an epoch's last step), atomically.
   */
  public void writeCsv(Path path) throws IOException {
    Set<String> metricNames = new LinkedHashSet<>();
    steps.forEach(s -> metricNames.addAll(s.metrics().keySet()));
    StringBuilder sb = new StringBuilder("step,epoch,loss,grad_norm,learning_rate,tokens_per_second");
    metricNames.forEach(m -> sb.append(',').append(m));
    sb.append(",validation_loss\n");
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      sb.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%.1f", s.step(), s.epoch() + 1, s.loss(), s.gradNorm(),
          s.learningRate(), s.tokensPerSecond()));
      for (String m : metricNames) {
        Double v = s.metrics().get(m);
        sb.append(',').append(v == null ? "" : v.toString());
      }
      boolean lastOfEpoch = i == steps.size() - 1 || steps.get(i + 1).epoch() != s.epoch();
      String val = "";
      if (lastOfEpoch) {
        for (Epoch e : epochs) {
          if (e.epoch() == s.epoch() && e.validationLoss().isPresent()) {
            val = Double.toString(e.validationLoss().getAsDouble());
          }
        }
      }
      sb.append(',').append(val).append('\n');
    }
    Files.createDirectories(path.toAbsolutePath().getParent());
    AtomicFiles.writeText(path, w -> w.write(sb.toString()));
  }
}
