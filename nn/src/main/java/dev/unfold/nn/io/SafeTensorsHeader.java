package dev.unfold.nn.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed and validated safetensors header: every entry's dtype, shape and data offsets, and
 * the metadata. Parsing checks everything the reference reader checks, and that the tensors tile
 * the data buffer exactly, so a reader can trust any entry's offsets.
 */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata) {
  /** The key of the metadata entry, which is not a tensor. */
  static final String METADATA_KEY = "__metadata__";

  // NOTE: a key repeated inside an entry or the metadata is a JSON error rather than last-wins;
  // the top level is walked by hand, so that a repeated tensor name gets its own message.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();

  /** One tensor's header entry; offsets are relative to the start of the data buffer. */
  record Entry(String name, StoredType type, long[] dims, long begin, long end) {
    /** The dims as Unfold's {@code int} dims, or null when a dim or the element count is too large. */
    int[] intDims() {
      long n = 1;
      int[] out = new int[dims.length];
      for (int i = 0; i < dims.length; i++) {
        if (dims[i] > Integer.MAX_VALUE) {
          return null;
        }
        out[i] = (int) dims[i];
        n *= dims[i];
      }
      return n <= Integer.MAX_VALUE ? out : null;
    }

    String shape() {
      return Arrays.toString(dims);
    }
  }

  /**
   * Parses {@code bytes}, the header of {@code file}, followed in the file by a data buffer of
   * {@code dataBytes} bytes.
   *
   * @throws CheckpointFormatException naming the file, the tensor and the problem
   */
  static SafeTensorsHeader parse(Path file, byte[] bytes, long dataBytes) throws CheckpointFormatException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CheckpointFormatException(file, "header is not valid UTF-8", e);
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = Map.of();
    Set<String> seen = new HashSet<>();
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new CheckpointFormatException(file, "header is blank, expected a JSON object");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new CheckpointFormatException(file, "header is " + kind(p.readValueAsTree()) + ", expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        JsonNode value = p.readValueAsTree();
        if (!seen.add(name)) {
          throw new CheckpointFormatException(file, "duplicate name '" + name + "' in header");
        }
        if (name.equals(METADATA_KEY)) {
          metadata = metadata(file, value);
        } else {
          entries.add(entry(file, name, value, dataBytes));
        }
      }
      // The writer pads with spaces, which the parser skips; anything else after the object is an error.
      if (p.nextToken() != null) {
        throw new CheckpointFormatException(file, "header has content after its JSON object, at character "
            + p.currentLocation().getCharOffset());
      }
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (CheckpointFormatException e) {
      throw e;
    } catch (IOException e) {
      // NOTE: the parser reads from a String; an IOException here can only be a parsing failure.
      throw new CheckpointFormatException(file, "header is not valid JSON: " + e.getMessage(), e);
    }
    checkLayout(file, entries, dataBytes);
    return new SafeTensorsHeader(Collections.unmodifiableList(entries), metadata);
  }

  private static Map<String, String> metadata(Path file, JsonNode value) throws CheckpointFormatException {
    if (!value.isObject()) {
      throw new CheckpointFormatException(file, METADATA_KEY + " is " + kind(value) + ", expected an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!e.getValue().isTextual()) {
        throw new CheckpointFormatException(file, METADATA_KEY + " value of '" + e.getKey() + "' is "
            + kind(e.getValue()) + ", expected a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static Entry entry(Path file, String name, JsonNode v, long dataBytes) throws CheckpointFormatException {
    String where = "tensor '" + name + "'";
    if (!v.isObject()) {
      throw new CheckpointFormatException(file, where + ": entry is " + kind(v) + ", expected an object");
    }
    JsonNode dtype = field(file, where, v, "dtype");
    if (!dtype.isTextual()) {
      throw new CheckpointFormatException(file, where + ": \"dtype\" is " + kind(dtype) + ", expected a string");
    }
    StoredType type = StoredType.parse(dtype.textValue()).orElseThrow(() -> new CheckpointFormatException(file,
        where + ": unknown dtype \"" + dtype.textValue() + "\""));
    long[] dims = longs(file, where, field(file, where, v, "shape"), "shape", -1);
    for (long d : dims) {
      if (d < 0) {
        throw new CheckpointFormatException(file, where + ": negative dimension " + d + " in shape " + Arrays.toString(dims));
      }
    }
    long[] offsets = longs(file, where, field(file, where, v, "data_offsets"), "data_offsets", 2);
    long begin = offsets[0];
    long end = offsets[1];
    String range = "data_offsets [" + begin + ", " + end + "]";
    if (begin < 0 || end < begin) {
      throw new CheckpointFormatException(file, where + ": " + range + " is not a range (need 0 ≤ begin ≤ end)");
    }
    if (end > dataBytes) {
      throw new CheckpointFormatException(file, where + ": " + range + " runs past the end of the "
          + dataBytes + "-byte data buffer");
    }
    long bits;
    try {
      long elements = 1;
      for (long d : dims) {
        elements = Math.multiplyExact(elements, d);
      }
      bits = Math.multiplyExact(elements, type.bits());
    } catch (ArithmeticException e) {
      throw new CheckpointFormatException(file, where + ": shape " + Arrays.toString(dims) + " overflows 64 bits");
    }
    if (bits % 8 != 0) {
      throw new CheckpointFormatException(file, where + ": shape " + Arrays.toString(dims) + " of " + type
          + " is not a whole number of bytes");
    }
    if (end - begin != bits / 8) {
      throw new CheckpointFormatException(file, String.format(Locale.ROOT,
          "%s: %s hold %d bytes, but shape %s of %s needs %d", where, range, end - begin, Arrays.toString(dims), type, bits / 8));
    }
    return new Entry(name, type, dims, begin, end);
  }

  private static JsonNode field(Path file, String where, JsonNode entry, String key) throws CheckpointFormatException {
    JsonNode f = entry.get(key);
    if (f == null) {
      throw new CheckpointFormatException(file, where + ": missing \"" + key + "\"");
    }
    return f;
  }

  /** A JSON array of integers that fit in a long; {@code length} -1 means any. */
  private static long[] longs(Path file, String where, JsonNode a, String key, int length) throws CheckpointFormatException {
    if (!a.isArray() || (length >= 0 && a.size() != length)) {
      throw new CheckpointFormatException(file, where + ": \"" + key + "\" is " + kind(a) + ", expected an array of "
          + (length >= 0 ? length + " " : "") + "integers");
    }
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode x = a.get(i);
      if (!x.isIntegralNumber() || !x.canConvertToLong()) {
        throw new CheckpointFormatException(file, where + ": element " + i + " of \"" + key + "\" is " + kind(x)
            + ", expected an integer below 2^63");
      }
      out[i] = x.longValue();
    }
    return out;
  }

  /**
   * Checks that the tensors, taken in offset order, tile the data buffer: the first starts at 0,
   * each starts where the previous one ends, and the last ends at the end of the buffer. The
   * header order itself is free, as in the reference reader.
   */
  private static void checkLayout(Path file, List<Entry> entries, long dataBytes) throws CheckpointFormatException {
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long at = 0;
    Entry previous = null;
    for (Entry e : byOffset) {
      if (e.begin() < at) {
        throw new CheckpointFormatException(file, String.format(Locale.ROOT,
            "tensor '%s' at data_offsets [%d, %d] overlaps tensor '%s' at [%d, %d]",
            e.name(), e.begin(), e.end(), previous.name(), previous.begin(), previous.end()));
      }
      if (e.begin() > at) {
        throw new CheckpointFormatException(file, String.format(Locale.ROOT,
            "data is not contiguous: bytes [%d, %d) of the data buffer belong to no tensor (gap before tensor '%s')",
            at, e.begin(), e.name()));
      }
      at = e.end();
      previous = e;
    }
    if (at != dataBytes) {
      throw new CheckpointFormatException(file, String.format(Locale.ROOT,
          "%d trailing bytes after the data: the tensors end at byte %d of the %d-byte data buffer",
          dataBytes - at, at, dataBytes));
    }
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT) + " " + abbreviate(n.toString());
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
