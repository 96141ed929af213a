package dev.unfold.nn.io;

import static dev.unfold.nn.io.SafeTensorsFiles.f64;
import static dev.unfold.nn.io.SafeTensorsFiles.raw;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of malformed file is refused with a {@link CheckpointFormatException} whose message
 * names the file, the tensor when there is one, and the problem; nothing is ever returned from a
 * bad file.
 */
class SafeTensorsCorruptFileTest {
  @TempDir Path dir;

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return String.format("\"%s\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[%d,%d]}", name, dtype, shape, begin, end);
  }

  private Path file() {
    return dir.resolve("bad.safetensors");
  }

  /** Reads {@code f}, expects a refusal, and checks its message names the file and each fragment. */
  private static CheckpointFormatException assertRejected(Path f, String... fragments) {
    CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f));
    assertEquals(f, e.file());
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    for (String s : fragments) {
      assertTrue(e.getMessage().contains(s), "message lacks \"" + s + "\": " + e.getMessage());
    }
    return e;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void fileShorterThanEightBytes(int size) throws IOException {
    Files.write(file(), new byte[size]);
    assertRejected(file(), "file is " + size + " bytes", "too short");
  }

  @Test
  void headerLengthBeyondTheFile() throws IOException {
    raw(file(), 100, "{}".getBytes(UTF_8), new byte[0]);
    assertRejected(file(), "header length 100 exceeds the 2 bytes", "truncated");
  }

  @ParameterizedTest
  @ValueSource(longs = {-1L, 1L << 40, 100_000_001L})
  void absurdHeaderLength(long prefix) throws IOException {
    raw(file(), prefix, "{}".getBytes(UTF_8), new byte[0]);
    assertRejected(file(), "header length " + Long.toUnsignedString(prefix) + " is absurd");
  }

  @Test
  void headerNotUtf8() throws IOException {
    raw(file(), 3, new byte[] {'{', (byte) 0xff, '}'}, new byte[0]);
    assertRejected(file(), "header is not valid UTF-8");
  }

  static Stream<Arguments> notJson() {
    return Stream.of(
        Arguments.of("{\"a\":", "header is not valid JSON"),
        Arguments.of("{\"a\" 1}", "header is not valid JSON"),
        Arguments.of("{'a':1}", "header is not valid JSON"),
        Arguments.of("{\"a\":{\"dtype\":\"F64\",\"dtype\":\"F64\"}}", "Duplicate field 'dtype'"),
        Arguments.of("{} {}", "content after its JSON object"),
        Arguments.of("{}x", "header is not valid JSON"));
  }

  @ParameterizedTest
  @MethodSource("notJson")
  void headerNotJson(String header, String problem) throws IOException {
    raw(file(), header, new byte[0]);
    assertRejected(file(), problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"text\"", "7", "null"})
  void headerNotAnObject(String header) throws IOException {
    raw(file(), header, new byte[0]);
    assertRejected(file(), "header is ", "expected a JSON object");
  }

  @Test
  void blankHeader() throws IOException {
    raw(file(), "        ", new byte[0]);
    assertRejected(file(), "header is blank");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtype", "shape", "data_offsets"})
  void entryMissingAField(String key) throws IOException {
    String full = "{" + entry("w", "F64", "[1]", 0, 8) + "}";
    String without = full.replaceAll("\"" + key + "\":(\"F64\"|\\[[0-9,]*\\]),?", "").replace(",}", "}");
    raw(file(), without, f64(1));
    assertRejected(file(), "tensor 'w': missing \"" + key + "\"");
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of("{\"w\":[1]}", "tensor 'w': entry is array [1], expected an object"),
        Arguments.of("{\"w\":{\"dtype\":64,\"shape\":[1],\"data_offsets\":[0,8]}}", "tensor 'w': \"dtype\" is number 64"),
        Arguments.of("{\"w\":{\"dtype\":\"F64\",\"shape\":\"[1]\",\"data_offsets\":[0,8]}}",
            "tensor 'w': \"shape\" is string"),
        Arguments.of("{\"w\":{\"dtype\":\"F64\",\"shape\":[1.0],\"data_offsets\":[0,8]}}",
            "tensor 'w': element 0 of \"shape\" is number 1.0"),
        Arguments.of("{\"w\":{\"dtype\":\"F64\",\"shape\":[\"1\"],\"data_offsets\":[0,8]}}",
            "tensor 'w': element 0 of \"shape\" is string"),
        Arguments.of("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}",
            "element 1 of \"data_offsets\"", "below 2^63"),
        Arguments.of("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8,8]}}",
            "tensor 'w': \"data_offsets\" is array [0,8,8], expected an array of 2 integers"),
        Arguments.of("{\"__metadata__\":[\"a\"]," + entry("w", "F64", "[1]", 0, 8) + "}",
            "__metadata__ is array"),
        Arguments.of("{\"__metadata__\":{\"epoch\":3}," + entry("w", "F64", "[1]", 0, 8) + "}",
            "__metadata__ value of 'epoch' is number 3, expected a string"));
  }

  @ParameterizedTest
  @MethodSource("wrongTypes")
  void entryOfTheWrongJsonType(String header, String problem) throws IOException {
    raw(file(), header, f64(1));
    assertRejected(file(), problem);
  }

  @Test
  void unknownDtype() throws IOException {
    raw(file(), "{" + entry("w", "F99", "[1]", 0, 8) + "}", f64(1));
    assertRejected(file(), "tensor 'w': unknown dtype \"F99\"");
  }

  @Test
  void negativeDimension() throws IOException {
    raw(file(), "{" + entry("w", "F64", "[2,-2]", 0, 8) + "}", f64(1));
    assertRejected(file(), "tensor 'w': negative dimension -2 in shape [2, -2]");
  }

  @Test
  void offsetsPastTheData() throws IOException {
    raw(file(), "{" + entry("w", "F64", "[2]", 0, 16) + "}", f64(1));
    assertRejected(file(), "tensor 'w': data_offsets [0, 16] runs past the end of the 8-byte data buffer");
  }

  @Test
  void offsetsBackwards() throws IOException {
    raw(file(), "{" + entry("w", "F64", "[1]", 8, 0) + "}", f64(1));
    assertRejected(file(), "tensor 'w': data_offsets [8, 0] is not a range");
  }

  @Test
  void overlappingTensors() throws IOException {
    raw(file(), "{" + entry("a", "F64", "[2]", 0, 16) + "," + entry("b", "F64", "[1]", 8, 16) + "}", f64(1, 2));
    assertRejected(file(), "tensor 'b' at data_offsets [8, 16] overlaps tensor 'a' at [0, 16]");
  }

  @Test
  void gapBetweenTensors() throws IOException {
    raw(file(), "{" + entry("a", "F64", "[1]", 0, 8) + "," + entry("b", "F64", "[1]", 16, 24) + "}", f64(1, 2, 3));
    assertRejected(file(), "not contiguous", "bytes [8, 16)", "before tensor 'b'");
  }

  @Test
  void firstTensorNotAtTheStart() throws IOException {
    raw(file(), "{" + entry("a", "F64", "[1]", 8, 16) + "}", f64(1, 2));
    assertRejected(file(), "not contiguous", "bytes [0, 8)", "before tensor 'a'");
  }

  @Test
  void lengthDisagreesWithShapeAndDtype() throws IOException {
    raw(file(), "{" + entry("w", "F32", "[3]", 0, 8) + "}", f64(1));
    assertRejected(file(), "tensor 'w': data_offsets [0, 8] hold 8 bytes, but shape [3] of F32 needs 12");
  }

  @Test
  void trailingBytesAfterTheData() throws IOException {
    raw(file(), "{" + entry("w", "F64", "[1]", 0, 8) + "}", f64(1, 2));
    assertRejected(file(), "8 trailing bytes after the data");
  }

  @Test
  void duplicateNames() throws IOException {
    raw(file(), "{" + entry("w", "F64", "[1]", 0, 8) + "," + entry("w", "F64", "[1]", 8, 16) + "}", f64(1, 2));
    assertRejected(file(), "duplicate name 'w'");
  }

  @Test
  void shapeWhoseSizeOverflows() throws IOException {
    raw(file(), "{" + entry("w", "F64", "[4294967296,4294967296]", 0, 8) + "}", f64(1));
    assertRejected(file(), "tensor 'w': shape [4294967296, 4294967296] overflows 64 bits");
  }

  @Test
  void subByteTensorOfPartialBytes() throws IOException {
    raw(file(), "{" + entry("q", "F4", "[3]", 0, 1) + "}", new byte[1]);
    assertRejected(file(), "tensor 'q': shape [3] of F4 is not a whole number of bytes");
  }

  @Test
  void emptyTensorTooWideForUnfold() throws IOException {
    // Valid safetensors (zero elements), but a dimension beyond int cannot be an Unfold shape.
    raw(file(), "{" + entry("w", "F64", "[0,3000000000]", 0, 0) + "}", new byte[0]);
    assertRejected(file(), "tensor 'w' of shape [0, 3000000000] is too large for an Unfold tensor");
  }

  @Test
  void everyTruncationIsRejected() throws IOException {
    Path good = dir.resolve("good.safetensors");
    SafeTensors.write(good, Map.of("a", Tensors.vector(1, 2), "b", Tensors.scalar(3)), Map.of("k", "v"));
    byte[] full = Files.readAllBytes(good);
    for (int n = 0; n < full.length; n++) {
      Files.write(file(), Arrays.copyOf(full, n));
      assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(file()), "truncated to " + n + " bytes");
    }
  }

  @Test
  void aGoodTensorBeforeABadOneIsNotReturned() throws IOException {
    raw(file(), "{" + entry("good", "F64", "[1]", 0, 8) + "," + entry("bad", "U8", "[8]", 8, 16) + "}", f64(1, 2));
    assertRejected(file(), "tensor 'bad' is U8");
  }
}
