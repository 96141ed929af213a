package dev.unfold.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code shared/} folder beside the checkout (reference fixtures, peer benchmark scripts),
 * found through the system property {@code unfold.shared.dir} that the parent pom passes to
 * surefire. When it is missing a test fails under {@code CI=true} and is skipped elsewhere.
 */
public final class SharedDir {
  private SharedDir() {}

  /** The sub-folder {@code relative} of shared/, or a failure (CI) / skip (elsewhere) when it is absent. */
  public static Path require(String relative) {
    String root = System.getProperty("unfold.shared.dir");
    Path dir = root == null ? null : Path.of(root).resolve(relative).normalize();
    if (dir == null || !Files.isDirectory(dir)) {
      String why = "shared folder " + (dir == null ? "(system property unfold.shared.dir is not set)" : dir)
          + " is missing; it lies beside the checkout as ../shared";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, "skipped: " + why);
    }
    return dir;
  }
}
