package dev.unfold.examples.common;

import dev.unfold.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every example takes: {@code --steps}, {@code --seed}, {@code --out}, {@code --dump}, {@code --quiet}, {@code --dtype}. */
public final class CommonOptions {
  @Option(names = "--steps", description = "training steps (updates)")
  public Integer steps;

  @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
  public long seed = 42;

  @Option(names = "--out", description = "folder for checkpoints, plots, CSV and samples (default: out/<example>)")
  public Path out;

  @Option(names = "--dump", paramLabel = "DIR",
      description = "after training, dump one training step's graph (text, DOT unfolded and folded, JSON) and its "
          + "gradient flow over time (table, CSV, PNG) into DIR")
  public Path dump;

  @Option(names = "--quiet", description = "no progress output")
  public boolean quiet;

  @Option(names = "--dtype", description = "element type of training: FLOAT32 (faster) or FLOAT64; parameters and "
      + "checkpoints stay float64 (default: ${DEFAULT-VALUE})", converter = DTypeConverter.class)
  public DType dtype = DType.FLOAT64;

  /** Accepts {@code float32} and {@code float64} in any case. */
  static final class DTypeConverter implements picocli.CommandLine.ITypeConverter<DType> {
    @Override
    public DType convert(String value) {
      return DType.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** The number of steps, or the example's default. */
  public int steps(int defaultSteps) {
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    }
    return steps == null ? defaultSteps : steps;
  }

  /** The output folder (created), {@code out/<example>} by default. */
  public Path out(String example) {
    Path dir = out == null ? Path.of("out", example) : out;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the output folder " + dir, e);
    }
    return dir;
  }

  public Optional<Path> dump() {
    return Optional.ofNullable(dump);
  }
}
