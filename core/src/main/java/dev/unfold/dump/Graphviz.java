package dev.unfold.dump;

import dev.unfold.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Graphviz's {@code dot} program, run as a separate process to turn DOT files into pictures.
 * Graphviz is not a Java library: install it with {@code apt-get install graphviz} (Debian,
 * Ubuntu) or {@code brew install graphviz} (macOS).
 *
 * <p>Immutable. The default executable is {@code dot} on the {@code PATH}, or the value of the
 * system property {@code unfold.dot} when set.
 */
public final class Graphviz {
  /** What {@code dot} can draw. */
  public enum Format {
    SVG("svg"),
    PNG("png");

    private final String flag;

    Format(String flag) {
      this.flag = flag;
    }

    /** The format a file name's extension asks for ({@code .svg} or {@code .png}). */
    public static Format of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      for (Format f : values()) {
        if (name.endsWith("." + f.flag)) {
          return f;
        }
      }
      throw new IllegalArgumentException("cannot tell the picture format of " + file + ": use a .svg or .png name");
    }
  }

  /** How to get {@code dot}; part of every "not found" message. */
  public static final String INSTALL_HINT =
      "install Graphviz (apt-get install graphviz on Debian/Ubuntu, brew install graphviz on macOS) "
          + "or point the system property unfold.dot at the dot executable";

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final String executable;
  private final Duration timeout;

  private Graphviz(String executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  /** {@code dot} from the {@code unfold.dot} system property or the {@code PATH}, with a 60 s timeout. */
  public static Graphviz system() {
    return new Graphviz(System.getProperty("unfold.dot", "dot"), DEFAULT_TIMEOUT);
  }

  /** A specific {@code dot} executable. */
  public static Graphviz at(String executable) {
    return new Graphviz(executable, DEFAULT_TIMEOUT);
  }

  /** The same executable with another time limit per run. */
  public Graphviz withTimeout(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + limit);
    }
    return new Graphviz(executable, limit);
  }

  /** True when the executable runs ({@code dot -V} exits with 0). */
  public boolean isInstalled() {
    try {
      return run(List.of(executable, "-V")).exit == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The version line {@code dot -V} prints, for example {@code dot - graphviz version 2.43.0 (0)}. */
  public String version() throws IOException {
    Result r = run(List.of(executable, "-V"));
    if (r.exit != 0) {
      throw new GraphvizException(executable + " -V failed with exit code " + r.exit + ": " + r.output);
    }
    return r.output.strip();
  }

  /**
   * Draws the DOT file {@code dot} into {@code out} (atomically), in the format its extension
   * names.
   *
   * @throws GraphvizException when {@code dot} is missing (the message says how to install it),
   *     rejects the file (the message quotes its complaint) or runs past the timeout
   */
  public void render(Path dot, Path out) throws IOException {
    render(dot, out, Format.of(out));
  }

  /** Draws {@code dot} into {@code out} in {@code format}, atomically. */
  public void render(Path dot, Path out, Format format) throws IOException {
    if (!Files.isRegularFile(dot)) {
      throw new IOException("DOT file " + dot + " does not exist");
    }
    Path tmp = AtomicFiles.temporarySibling(out);
    boolean moved = false;
    try {
      Result r = run(List.of(executable, "-T" + format.flag, "-o", tmp.toString(), dot.toString()));
      if (r.exit != 0) {
        throw new GraphvizException(String.format(Locale.ROOT, "%s rejected %s (exit code %d): %s",
            executable, dot, r.exit, r.output.strip()));
      }
      AtomicFiles.moveIntoPlace(tmp, out);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private record Result(int exit, String output) {}

  private Result run(List<String> command) throws IOException {
    // NOTE: output goes to a file, not a pipe, so a chatty dot can never block on a full pipe.
    Path log = Files.createTempFile("unfold-dot-", ".log");
    try {
      Process p;
      try {
        p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      } catch (IOException e) {
        throw new GraphvizException("Graphviz's dot could not be started as '" + executable + "' ("
            + e.getMessage() + "); " + INSTALL_HINT, e);
      }
      boolean done;
      try {
        done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new GraphvizException("interrupted while waiting for " + executable, e);
      }
      if (!done) {
        p.destroyForcibly();
        throw new GraphvizException(executable + " did not finish within " + timeout.toMillis()
            + " ms (command: " + String.join(" ", command) + ")");
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
