package dev.unfold.dump;

import java.io.IOException;
import java.nio.file.Path;

/** A graph dump file that cannot be read back: not JSON, truncated, or failing validation. */
public final class DumpFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  DumpFormatException(Path file, String where, String problem) {
    super("graph dump " + file + (where.isEmpty() ? "" : ", at " + where) + ": " + problem);
  }

  DumpFormatException(Path file, String problem, Throwable cause) {
    super("graph dump " + file + ": " + problem, cause);
  }
}
