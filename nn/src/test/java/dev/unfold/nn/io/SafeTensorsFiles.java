package dev.unfold.nn.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made safetensors files for tests: any header, any length prefix, any data. */
final class SafeTensorsFiles {
  private SafeTensorsFiles() {}

  /** Writes a file whose length prefix is the true header length. */
  static Path raw(Path file, String header, byte[] data) throws IOException {
    return raw(file, header.getBytes(UTF_8).length, header.getBytes(UTF_8), data);
  }

  /** Writes a file with the given length prefix, header bytes and data. */
  static Path raw(Path file, long lengthPrefix, byte[] header, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(lengthPrefix).put(header).put(data);
    return Files.write(file, b.array());
  }

  /** The little-endian bytes of float64 values. */
  static byte[] f64(double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }
}
