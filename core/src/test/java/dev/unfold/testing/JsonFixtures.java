package dev.unfold.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the reference fixtures written by the scripts in {@code tools/fixtures}: JSON files whose
 * tensors are {@code {"shape": [...], "data": [...row-major...]}}.
 */
public final class JsonFixtures {
  private JsonFixtures() {}

  /** The {@code cases} array of the fixture at a classpath resource such as {@code /fixtures/core_ops.json}. */
  public static List<JsonNode> cases(String resource) {
    try (InputStream in = JsonFixtures.class.getResourceAsStream(resource)) {
      assertNotNull(in, "fixture " + resource + " is missing");
      List<JsonNode> cases = new ArrayList<>();
      new ObjectMapper().readTree(in).get("cases").forEach(cases::add);
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tensor stored as {@code {"shape", "data"}}. */
  public static Tensor tensor(JsonNode t) {
    int[] dims = new int[t.get("shape").size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.get("shape").get(i).asInt();
    }
    double[] data = new double[t.get("data").size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = t.get("data").get(i).asDouble();
    }
    return Tensors.of(Shape.of(dims), data);
  }

  /** An object of named tensors, in file order. */
  public static Map<String, Tensor> tensors(JsonNode obj) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    obj.fields().forEachRemaining(e -> out.put(e.getKey(), tensor(e.getValue())));
    return out;
  }
}
