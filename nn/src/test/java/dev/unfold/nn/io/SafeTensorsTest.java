package dev.unfold.nn.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing then reading gives the same tensors bit for bit, in the layout the reference writes. */
class SafeTensorsTest {
  @TempDir Path dir;

  /** Values that a lossy or text-based format would disturb. */
  static final double[] AWKWARD = {
      -0.0, 0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0123L), Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL / 3, Double.MAX_VALUE,
      0.1, -1.0 / 3};

  static Map<String, Tensor> sample() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("rnn/W", Tensors.of(Shape.of(3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
    m.put("awkward", Tensors.of(Shape.of(2, 6), AWKWARD));
    m.put("scalar", Tensors.scalar(-2.5));
    m.put("empty", Tensors.zeros(0, 3));
    m.put("empty/inner", Tensors.zeros(2, 0, 4));
    return m;
  }

  static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, e) -> {
      Tensor a = actual.get(name);
      assertEquals(e.shape(), a.shape(), name);
      for (int i = 0; i < e.size(); i++) {
        assertEquals(Double.doubleToRawLongBits(e.getFlat(i)), Double.doubleToRawLongBits(a.getFlat(i)),
            name + " element " + i);
      }
    });
  }

  @Test
  void roundTripIsBitIdentical() throws IOException {
    Path f = dir.resolve("model.safetensors");
    Map<String, String> meta = Map.of("format", "pt", "note", "ünïcode ✓", "empty", "");
    SafeTensors.write(f, sample(), meta);
    SafeTensorsFile read = SafeTensors.read(f);
    assertBitIdentical(sample(), read.tensors());
    assertEquals(meta, read.metadata());
  }

  @Test
  void float32TensorsAreStoredAsF32AndReadBackWidenedExactly() throws IOException {
    Path f = dir.resolve("f32.safetensors");
    Tensor x = Tensors.vector(0.1, -1.0 / 3, 2.5e-3).to(dev.unfold.tensor.DType.FLOAT32);
    SafeTensors.write(f, Map.of("x", x), Map.of());
    byte[] raw = Files.readAllBytes(f);
    long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(raw, 8, (int) n, UTF_8);
    assertTrue(header.contains("\"dtype\":\"F32\"") && header.contains("\"data_offsets\":[0,12]"), header);
    assertEquals(x.to(dev.unfold.tensor.DType.FLOAT64), SafeTensors.read(f).tensors().get("x"));
  }

  @Test
  void writesF64SortedByNameWithPaddedHeader() throws IOException {
    Path f = dir.resolve("layout.safetensors");
    SafeTensors.write(f, Map.of("b", Tensors.vector(2), "a", Tensors.vector(1, 1)), Map.of("k", "v"));
    byte[] raw = Files.readAllBytes(f);
    long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8, "header length is a multiple of 8");
    assertEquals(8 + n + 3 * 8, raw.length);
    String header = new String(raw, 8, (int) n, UTF_8);
    assertEquals("{\"__metadata__\":{\"k\":\"v\"},"
        + "\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}", header.stripTrailing());
    assertTrue(header.substring(header.stripTrailing().length()).isBlank());
    assertEquals(2.0, ByteBuffer.wrap(raw, 8 + (int) n + 16, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble());
  }

  @Test
  void namesAreSortedByCodePointAsTheReferenceSortsUtf8Bytes() throws IOException {
    // UTF-16 order would put U+1F600 (a surrogate pair) before U+FFFD; UTF-8 byte order does not.
    List<String> names = List.of("b", "a", "\uD83D\uDE00", "\uFFFD", "é");
    Map<String, Tensor> m = new LinkedHashMap<>();
    names.forEach(name -> m.put(name, Tensors.scalar(name.length())));
    Path f = dir.resolve("order.safetensors");
    SafeTensors.write(f, m, Map.of());
    assertEquals(List.of("a", "b", "é", "\uFFFD", "\uD83D\uDE00"), List.copyOf(SafeTensors.read(f).tensors().keySet()));
  }

  @Test
  void emptyCheckpointHasAnEightByteHeaderAndNoMetadataEntry() throws IOException {
    Path f = dir.resolve("empty.safetensors");
    SafeTensors.write(f, Map.of(), Map.of());
    byte[] raw = Files.readAllBytes(f);
    assertArrayEquals("{}      ".getBytes(UTF_8), java.util.Arrays.copyOfRange(raw, 8, raw.length));
    SafeTensorsFile read = SafeTensors.read(f);
    assertTrue(read.tensors().isEmpty());
    assertTrue(read.metadata().isEmpty());
  }

  @Test
  void readKeepsHeaderOrderWhateverTheDataOrder() throws IOException {
    Path f = dir.resolve("order.safetensors");
    SafeTensorsFiles.raw(f, "{\"z\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]},"
        + "\"a\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]}}", SafeTensorsFiles.f64(1, 2));
    SafeTensorsFile read = SafeTensors.read(f);
    assertEquals(List.of("z", "a"), List.copyOf(read.tensors().keySet()));
    assertEquals(2.0, read.tensor("z").item());
    assertEquals(1.0, read.tensor("a").item());
  }

  @Test
  void readsSelectedTensorsOnly() throws IOException {
    Path f = dir.resolve("model.safetensors");
    SafeTensors.write(f, sample(), Map.of());
    SafeTensorsFile read = SafeTensors.read(f, Set.of("scalar", "rnn/W"));
    assertEquals(List.of("rnn/W", "scalar"), List.copyOf(read.tensors().keySet()));
    CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
        () -> SafeTensors.read(f, Set.of("scalar", "rnn/U")));
    assertTrue(e.getMessage().contains("no tensor named 'rnn/U'"), e.getMessage());
  }

  @Test
  void resultIsImmutable() throws IOException {
    Path f = dir.resolve("model.safetensors");
    SafeTensors.write(f, sample(), Map.of("k", "v"));
    SafeTensorsFile read = SafeTensors.read(f);
    assertThrows(UnsupportedOperationException.class, () -> read.tensors().remove("scalar"));
    assertThrows(UnsupportedOperationException.class, () -> read.metadata().put("k", "w"));
  }

  @Test
  void writerRefusesTheMetadataKeyAsATensorName() {
    Path f = dir.resolve("bad.safetensors");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(f, Map.of("__metadata__", Tensors.scalar(1)), Map.of()));
    assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
    assertTrue(Files.notExists(f));
  }
}
