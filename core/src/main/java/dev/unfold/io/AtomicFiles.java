package dev.unfold.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files atomically: the content goes to a temporary file in the target's folder, which
 * then replaces the target with one {@code ATOMIC_MOVE}. A reader therefore sees the old file or
 * the complete new one, never a torn write, and a failed write leaves no temporary file behind.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes bytes to a stream. */
  @FunctionalInterface
  public interface StreamWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Something that writes text to a writer. */
  @FunctionalInterface
  public interface TextWriter {
    void writeTo(Writer out) throws IOException;
  }

  /** Writes UTF-8 text to {@code target} atomically. */
  public static void writeText(Path target, TextWriter content) throws IOException {
    write(target, out -> {
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      content.writeTo(w);
      w.flush();
    });
  }

  /** Writes bytes to {@code target} atomically. */
  public static void write(Path target, StreamWriter content) throws IOException {
    Path tmp = temporarySibling(target);
    boolean moved = false;
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.writeTo(out);
      }
      moveIntoPlace(tmp, target);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * A new empty temporary file in {@code target}'s folder (the same file system, so the final
   * move can be atomic), for producers that insist on writing to a path themselves.
   */
  public static Path temporarySibling(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null) {
      throw new IOException("cannot write " + target + ": it has no parent folder");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("cannot write " + target + ": folder " + dir + " does not exist");
    }
    return Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
  }

  /** Replaces {@code target} with {@code tmp} in one atomic rename. */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + target + " atomically on this file system: " + e.getMessage(), e);
    }
  }
}
