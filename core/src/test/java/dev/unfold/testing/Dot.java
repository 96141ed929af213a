package dev.unfold.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.unfold.dump.Graphviz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Graphviz's {@code dot} in tests: when it is missing a test fails under {@code CI=true} (where
 * {@code .ci/run} installs it) and is skipped with a message elsewhere.
 */
public final class Dot {
  private Dot() {}

  /** The system's Graphviz, or a failure (CI) / skip (elsewhere) when {@code dot} does not run. */
  public static Graphviz require() {
    Graphviz g = Graphviz.system();
    if (!g.isInstalled()) {
      String why = "Graphviz's dot is not installed; " + Graphviz.INSTALL_HINT;
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, "skipped: " + why);
    }
    return g;
  }

  /** Fails unless {@code dot -Tsvg} accepts the file (exit code 0) and draws an SVG. */
  public static void assertAccepted(Path dotFile) throws IOException {
    Graphviz g = require();
    Path svg = Files.createTempFile(dotFile.toAbsolutePath().getParent(), "accepted-", ".svg");
    try {
      g.render(dotFile, svg);  // throws, quoting dot's complaint, on a non-zero exit code
      assertTrue(Files.readString(svg, StandardCharsets.UTF_8).contains("<svg"), "dot wrote no SVG for " + dotFile);
    } finally {
      Files.deleteIfExists(svg);
    }
  }
}
