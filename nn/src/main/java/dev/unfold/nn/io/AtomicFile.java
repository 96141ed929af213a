package dev.unfold.nn.io;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content: the
 * bytes go to a temporary file in the same folder, are forced to disk, and the temporary file is
 * renamed over the target. On any failure the temporary file is deleted and the target is
 * untouched.
 */
final class AtomicFile {
  /** Writes the content of the new file. */
  @FunctionalInterface
  interface Body {
    void writeTo(FileChannel out) throws IOException;
  }

  private AtomicFile() {}

  static void write(Path target, Body body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    // NOTE: a fresh name opened with CREATE_NEW (rather than Files.createTempFile) so that the
    // file gets the umask's permissions, as a plainly created file would, not owner-only ones.
    String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    Path tmp = dir.resolve("." + abs.getFileName() + "." + suffix + ".tmp");
    try {
      try (FileChannel out = FileChannel.open(tmp, CREATE_NEW, WRITE)) {
        body.writeTo(out);
        out.force(true);
      }
      Files.move(tmp, abs, ATOMIC_MOVE, REPLACE_EXISTING);
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    syncDirectory(dir);
  }

  /** Makes the rename itself durable. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, READ)) {
      d.force(true);
    } catch (IOException e) {
      // NOTE: some platforms (Windows) cannot open a folder as a channel; the rename is still
      // atomic there, it may just be lost in a power cut, so this is not worth failing for.
    }
  }
}
