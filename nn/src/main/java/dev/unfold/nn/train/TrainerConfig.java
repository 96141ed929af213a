package dev.unfold.nn.train;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.DType;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Settings of a {@link Trainer}, an immutable record changed with {@code withX} methods.
 *
 * @param epochs passes over the training examples
 * @param maxSteps stop after this many updates in all (0: no limit)
 * @param batchSize examples per update
 * @param shuffle reshuffle the training examples every epoch (seeded by {@code seed} and the epoch)
 * @param seed seeds the validation split and the shuffles
 * @param validationFraction the share of examples held out for validation (0: none)
 * @param patience stop when the validation loss has not improved for this many epochs (0: never)
 * @param restoreBest put back the parameters of the best validation epoch when stopping
 * @param clipNorm rescale gradients whose global norm exceeds this (0: off)
 * @param clipValue clamp gradient elements to ±this (0: off)
 * @param clipGroup which parameters clipping applies to
 * @param progress how progress is shown
 * @param logEvery steps between progress lines in {@link Progress.Mode#LINES} mode
 * @param metricsCsv where the step history is written as CSV at the end of every epoch, if anywhere
 * @param dtype the element type the training and validation graphs compute in (parameters keep
 *     their own; see {@link dev.unfold.graph.Graph#Graph(DType)})
 */
public record TrainerConfig(int epochs, long maxSteps, int batchSize, boolean shuffle, long seed,
    double validationFraction, int patience, boolean restoreBest, double clipNorm, double clipValue,
    Predicate<Parameter> clipGroup, Progress.Mode progress, int logEvery, Optional<Path> metricsCsv, DType dtype) {

  public TrainerConfig {
    Preconditions.checkArgument(epochs >= 1, "epochs must be ≥ 1, got %s", epochs);
    Preconditions.checkArgument(maxSteps >= 0, "maxSteps must be ≥ 0, got %s", maxSteps);
    Preconditions.checkArgument(batchSize >= 1, "batch size must be ≥ 1, got %s", batchSize);
    Preconditions.checkArgument(validationFraction >= 0 && validationFraction < 1,
        "validation fraction must be in [0, 1), got %s", validationFraction);
    Preconditions.checkArgument(patience >= 0 && clipNorm >= 0 && clipValue >= 0 && logEvery >= 1,
        "patience %s, clipNorm %s, clipValue %s, logEvery %s", patience, clipNorm, clipValue, logEvery);
    Preconditions.checkNotNull(dtype, "dtype");
  }

  /** One epoch, batch 32, shuffled with seed 0, no validation, no clipping, progress chosen by the terminal, float64. */
  public static TrainerConfig defaults() {
    return new TrainerConfig(1, 0, 32, true, 0, 0, 0, false, 0, 0, p -> true, Progress.Mode.AUTO, 50, Optional.empty(), DType.FLOAT64);
  }

  public TrainerConfig withEpochs(int e) { return new TrainerConfig(e, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withMaxSteps(long s) { return new TrainerConfig(epochs, s, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withBatchSize(int b) { return new TrainerConfig(epochs, maxSteps, b, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withShuffle(boolean s) { return new TrainerConfig(epochs, maxSteps, batchSize, s, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withSeed(long s) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, s, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withValidation(double f) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, f, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withEarlyStopping(int p, boolean restore) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, p, restore, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withClipNorm(double n) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, n, clipValue, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withClipValue(double v) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, v, clipGroup, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withClipGroup(Predicate<Parameter> g) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, g, progress, logEvery, metricsCsv, dtype); }
  public TrainerConfig withProgress(Progress.Mode m) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, m, logEvery, metricsCsv, dtype); }
  public TrainerConfig withLogEvery(int n) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, n, metricsCsv, dtype); }
  /** Trains in {@code d}: {@link DType#FLOAT32} for speed, with float64 master parameters. */
  public TrainerConfig withDType(DType d) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, metricsCsv, d); }
  public TrainerConfig withMetricsCsv(Path p) { return new TrainerConfig(epochs, maxSteps, batchSize, shuffle, seed, validationFraction, patience, restoreBest, clipNorm, clipValue, clipGroup, progress, logEvery, Optional.of(p), dtype); }
}
