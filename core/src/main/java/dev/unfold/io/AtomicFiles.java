package dev.unfold.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

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

  /**
   * Writes bytes to {@code target} atomically and durably: the temporary file is forced to disk
   * before the rename, and the folder after it. On any failure the temporary file is deleted and
   * the target is untouched.
   */
  public static void write(Path target, StreamWriter content) throws IOException {
    Path tmp = temporarySibling(target);
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(channel);
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      moveIntoPlace(tmp, target);
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    syncFolder(target.toAbsolutePath().getParent());
  }

  /**
   * A new empty temporary file in {@code target}'s folder (the same file system, so the final
   * move can be atomic), for producers that insist on writing to a path themselves.
   *
   * @throws NoSuchFileException when the folder does not exist
   */
  public static Path temporarySibling(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null) {
      throw new IOException("cannot write " + target + ": it has no parent folder");
    }
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "cannot write " + target + ": the folder does not exist");
    }
    // NOTE: a fresh name created with CREATE_NEW rather than Files.createTempFile, so the file
    // gets the umask's permissions, as a plainly written file would, not owner-only ones.
    String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    Path tmp = dir.resolve("." + abs.getFileName() + "." + suffix + ".tmp");
    Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
    return tmp;
  }

  /** Makes a rename in {@code dir} durable. */
  private static void syncFolder(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // NOTE: some platforms cannot open a folder as a channel; the rename is still atomic there,
      // only possibly lost in a power cut, which is not worth failing a write for.
    }
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
