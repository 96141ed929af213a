package dev.unfold.nn.io;

import static java.nio.file.StandardOpenOption.READ;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.unfold.io.AtomicFiles;
import dev.unfold.nn.io.SafeTensorsHeader.Entry;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads and writes tensors in the safetensors format
 * (<a href="https://github.com/huggingface/safetensors">huggingface/safetensors</a>).
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} object of strings, then the little-endian data buffer, which the
 * tensors tile exactly.
 *
 * <p>{@link #write} stores float64 tensors as {@code F64} and float32 ones as {@code F32}. {@link #read} loads {@code F64} as is
 * and {@code F32} widened exactly to float64; any other dtype is refused with an error naming the
 * tensor, never reinterpreted. Every malformed file is refused with a
 * {@link CheckpointFormatException} before any tensor is returned.
 */
public final class SafeTensors {
  /** The largest header accepted, as in the reference implementation (100 MB). */
  public static final int MAX_HEADER_BYTES = 100_000_000;

  private static final JsonFactory JSON = new JsonFactory();
  /** Bytes per read or write call: bounds the buffer whatever the tensor size. */
  private static final int CHUNK = 1 << 16;

  private SafeTensors() {}

  /**
   * Writes {@code tensors} and {@code metadata} to {@code file} atomically: readers of
   * {@code file} see the old content or the new one, never a partial file, and a failure leaves
   * the old content and no temporary file.
   *
   * <p>Tensors are laid out in the order of their names compared by Unicode code point (the
   * order of their UTF-8 bytes). The reference writer sorts by dtype alignment, then by name the
   * same way, so with Unfold's single dtype the layout is the reference's. Metadata is written
   * sorted by key, so equal inputs give equal files; an empty {@code metadata} writes no
   * {@code "__metadata__"} entry. The header is padded with spaces to a multiple of 8 bytes so
   * the data buffer is 8-aligned.
   *
   * @throws IllegalArgumentException if a tensor is called {@code "__metadata__"} or the header
   *     would exceed {@link #MAX_HEADER_BYTES}
   * @throws NullPointerException on a null name, tensor, key or value
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    Objects.requireNonNull(file, "file");
    // NOTE: one pass over the caller's map, before the temporary file exists, so a map that
    // fails or changes while iterated cannot produce a header that disagrees with the data.
    List<Map.Entry<String, Tensor>> sorted = new ArrayList<>(tensors.entrySet());
    for (Map.Entry<String, Tensor> e : sorted) {
      String name = Objects.requireNonNull(e.getKey(), "tensor name");
      Objects.requireNonNull(e.getValue(), () -> "tensor '" + name + "' is null");
      if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
        throw new IllegalArgumentException(file + ": a tensor cannot be called " + name + ", the metadata key");
      }
    }
    sorted.sort(Map.Entry.comparingByKey(SafeTensors::compareCodePoints));
    Map<String, String> meta = new TreeMap<>(SafeTensors::compareCodePoints);
    metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
        Objects.requireNonNull(v, () -> "metadata value of '" + k + "' is null")));
    byte[] header = header(sorted, meta);
    if (header.length > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(file + ": header of " + header.length + " bytes exceeds "
          + MAX_HEADER_BYTES + " bytes; readers would refuse it");
    }
    AtomicFiles.write(file, stream -> {
      WritableByteChannel out = Channels.newChannel(stream);
      ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
      writeFully(out, prefix.flip());
      writeFully(out, ByteBuffer.wrap(header));
      ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, Tensor> e : sorted) {
        Tensor t = e.getValue();
        for (int i = 0; i < t.size(); i++) {
          if (buf.remaining() < Double.BYTES) {
            writeFully(out, buf.flip());
            buf.clear();
          }
          if (t.dtype() == DType.FLOAT32) {
            buf.putFloat((float) t.getFlat(i));  // exact: the value is a float
          } else {
            buf.putDouble(t.getFlat(i));
          }
        }
      }
      writeFully(out, buf.flip());
    });
  }

  /**
   * Reads every tensor of {@code file}.
   *
   * @throws CheckpointFormatException naming the file, the tensor and the problem when the file
   *     is malformed or holds a dtype other than F64 and F32
   */
  public static SafeTensorsFile read(Path file) throws IOException {
    return load(file, null);
  }

  /**
   * Reads the tensors called {@code names} from {@code file}, in header order, with the file's
   * metadata. The whole header is still validated; the other tensors may have any dtype the
   * format defines, since their data is never read.
   *
   * @throws CheckpointFormatException when the file is malformed, lacks one of {@code names}, or
   *     one of them has a dtype other than F64 and F32
   */
  public static SafeTensorsFile read(Path file, Set<String> names) throws IOException {
    return load(file, Set.copyOf(names));
  }

  /** Reads the tensors called {@code names}, or all of them when {@code names} is null. */
  private static SafeTensorsFile load(Path file, Set<String> names) throws IOException {
    try (FileChannel in = FileChannel.open(file, READ)) {
      long size = in.size();
      if (size < 8) {
        throw new CheckpointFormatException(file, "file is " + size + " bytes, too short for the 8-byte header length");
      }
      long n = readAt(in, file, 0, 8).getLong();
      if (n < 0 || n > MAX_HEADER_BYTES) {
        throw new CheckpointFormatException(file, "header length " + Long.toUnsignedString(n)
            + " is absurd (limit " + MAX_HEADER_BYTES + " bytes); not a safetensors file?");
      }
      if (n > size - 8) {
        throw new CheckpointFormatException(file, "header length " + n + " exceeds the " + (size - 8)
            + " bytes after the length; is the file truncated?");
      }
      SafeTensorsHeader header = SafeTensorsHeader.parse(file, readAt(in, file, 8, (int) n).array(), size - 8 - n);
      List<Entry> selected = select(file, header.entries(), names);
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Entry e : selected) {
        tensors.put(e.name(), decode(in, file, 8 + n, e));
      }
      return new SafeTensorsFile(tensors, header.metadata());
    }
  }

  /** The entries to load, in header order, after checking that they exist and have a loadable dtype. */
  private static List<Entry> select(Path file, List<Entry> entries, Set<String> names) throws CheckpointFormatException {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (names == null || names.contains(e.name())) {
        out.add(e);
      }
    }
    if (names != null && out.size() < names.size()) {
      Set<String> present = out.stream().map(Entry::name).collect(Collectors.toSet());
      List<String> missing = names.stream().filter(x -> !present.contains(x)).sorted().toList();
      throw new CheckpointFormatException(file, "no tensor named " + quoted(missing) + "; the file holds "
          + quoted(entries.stream().map(Entry::name).limit(20).toList()) + (entries.size() > 20 ? ", ..." : ""));
    }
    List<String> refused = out.stream()
        .filter(e -> e.type() != StoredType.F64 && e.type() != StoredType.F32)
        .map(e -> "tensor '" + e.name() + "' is " + e.type())
        .toList();
    if (!refused.isEmpty()) {
      throw new CheckpointFormatException(file, "unsupported dtype: " + String.join(", ", refused)
          + "; Unfold reads only F64 and F32 (select the tensors to read with SafeTensors.read(file, names))");
    }
    for (Entry e : out) {
      if (e.intDims() == null) {
        throw new CheckpointFormatException(file, "tensor '" + e.name() + "' of shape " + e.shape()
            + " is too large for an Unfold tensor (at most 2^31-1 elements)");
      }
    }
    return out;
  }

  private static Tensor decode(FileChannel in, Path file, long dataStart, Entry e) throws IOException {
    Shape shape = Shape.of(e.intDims());
    double[] values = new double[shape.size()];
    int width = e.type().bits() / 8;
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long position = dataStart + e.begin();
    for (int i = 0; i < values.length; ) {
      int count = Math.min(values.length - i, CHUNK / width);
      buf.clear().limit(count * width);
      readFully(in, file, buf, position);
      position += (long) count * width;
      buf.flip();
      if (e.type() == StoredType.F64) {
        buf.asDoubleBuffer().get(values, i, count);
        i += count;
      } else {
        // NOTE: float to double widening is exact, so F32 checkpoints load without rounding.
        for (int k = 0; k < count; k++) {
          values[i++] = buf.getFloat();
        }
      }
    }
    return Tensors.of(shape, values);
  }

  private static byte[] header(List<Map.Entry<String, Tensor>> sorted, Map<String, String> metadata) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart(SafeTensorsHeader.METADATA_KEY);
        for (Map.Entry<String, String> m : metadata.entrySet()) {
          g.writeStringField(m.getKey(), m.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (Map.Entry<String, Tensor> e : sorted) {
        Tensor t = e.getValue();
        long end = offset + (long) t.size() * t.dtype().bytes();
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("dtype", switch (t.dtype()) {
          case FLOAT64 -> "F64";
          case FLOAT32 -> "F32";
        });
        g.writeArrayFieldStart("shape");
        for (int d : t.shape().dims()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        g.writeNumber(end);
        g.writeEndArray();
        g.writeEndObject();
        offset = end;
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    // Spaces to a multiple of 8, as the reference writer does, so the data buffer is 8-aligned.
    while (bytes.size() % 8 != 0) {
      bytes.write(' ');
    }
    return bytes.toByteArray();
  }

  /** Orders strings as their UTF-8 bytes do, which is the reference's (Rust's) string order. */
  private static int compareCodePoints(String a, String b) {
    // NOTE: String.compareTo compares UTF-16 units, which puts U+10000.. before U+E000..U+FFFF.
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static ByteBuffer readAt(FileChannel in, Path file, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    readFully(in, file, buf, position);
    return buf.flip();
  }

  private static void readFully(FileChannel in, Path file, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int got = in.read(buf, at);
      if (got < 0) {
        throw new CheckpointFormatException(file, "file ended at byte " + at + " while reading; was it truncated while being read?");
      }
      at += got;
    }
  }

  private static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  private static String quoted(List<String> names) {
    return names.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
  }
}
