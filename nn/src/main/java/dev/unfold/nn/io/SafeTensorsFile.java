package dev.unfold.nn.io;

import dev.unfold.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The contents of a safetensors file: named tensors in header order, and the string metadata of
 * its {@code __metadata__} entry (empty when absent). Immutable and null-hostile.
 */
public record SafeTensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
  public SafeTensorsFile {
    tensors = copy(tensors);
    metadata = copy(metadata);
  }

  /** The tensor called {@code name}, or a {@link NoSuchElementException} listing the names present. */
  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new NoSuchElementException("no tensor named '" + name + "'; present: " + tensors.keySet());
    }
    return t;
  }

  // NOTE: Map.copyOf would lose the header order, which callers see when they list a checkpoint.
  private static <V> Map<String, V> copy(Map<String, V> m) {
    Map<String, V> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(Objects.requireNonNull(k, "name"), Objects.requireNonNull(v, k)));
    return Collections.unmodifiableMap(out);
  }
}
