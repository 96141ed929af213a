package dev.unfold.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Golden files under {@code src/test/resources/golden/}, compared byte for byte. Run the tests
 * with the environment variable {@code UNFOLD_UPDATE_GOLDEN=1} (or the system property
 * {@code unfold.updateGolden=true}) to rewrite them from the current output, then review the diff.
 * Rewriting is refused under {@code CI=true}, so CI always compares.
 */
public final class Golden {
  private Golden() {}

  /** Fails unless {@code actual} equals the golden file {@code name} byte for byte (or rewrites it). */
  public static void assertMatches(String name, String actual) throws IOException {
    Path file = dir().resolve(name);
    byte[] got = actual.getBytes(StandardCharsets.UTF_8);
    if (updating()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("UNFOLD_UPDATE_GOLDEN is set under CI=true; golden files are rewritten only by hand");
      }
      Files.createDirectories(file.getParent());
      Files.write(file, got);
      System.out.println("golden: rewrote " + file);
      return;
    }
    if (!Files.isRegularFile(file)) {
      fail("golden file " + file + " is missing; run the tests with UNFOLD_UPDATE_GOLDEN=1 to create it");
    }
    byte[] expected = Files.readAllBytes(file);
    if (!Arrays.equals(expected, got)) {
      fail("output differs from golden file " + file + " " + firstDifference(
          new String(expected, StandardCharsets.UTF_8), actual)
          + "\n(if the change is intended, rerun with UNFOLD_UPDATE_GOLDEN=1 and review the diff)\n--- actual ---\n"
          + actual);
    }
  }

  private static boolean updating() {
    return "1".equals(System.getenv("UNFOLD_UPDATE_GOLDEN")) || Boolean.getBoolean("unfold.updateGolden");
  }

  private static Path dir() {
    // Surefire runs each module's tests with the module folder as basedir.
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src", "test", "resources", "golden");
  }

  private static String firstDifference(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    for (int i = 0; i < Math.max(e.length, a.length); i++) {
      String el = i < e.length ? e[i] : "<end of file>";
      String al = i < a.length ? a[i] : "<end of output>";
      if (!el.equals(al)) {
        return "at line " + (i + 1) + ":\n  expected: " + el + "\n  actual:   " + al;
      }
    }
    return "(line endings or trailing bytes differ)";
  }
}
