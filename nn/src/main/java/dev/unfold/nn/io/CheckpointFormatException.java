package dev.unfold.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown when a checkpoint file is malformed or holds something Unfold cannot load: the message
 * names the file, the tensor when one is involved, and the problem.
 */
public final class CheckpointFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public CheckpointFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public CheckpointFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file that was being read. */
  public Path file() {
    return file;
  }
}
