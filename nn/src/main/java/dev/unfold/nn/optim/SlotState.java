package dev.unfold.nn.optim;

import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named per-parameter buffers of an optimizer ("slots", such as Adam's {@code m} and {@code v}),
 * each shaped like its parameter; what {@link Optimizer#state()} exposes and restores.
 */
final class SlotState {
  private final List<Parameter> params;
  private final List<String> slots;
  private final Map<Parameter, Map<String, Tensor>> values = new IdentityHashMap<>();

  SlotState(List<Parameter> params, List<String> slots) {
    this.params = List.copyOf(params);
    this.slots = List.copyOf(slots);
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Parameter p : params) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("optimizer: parameter name " + p.name() + " appears twice");
      }
    }
  }

  List<Parameter> parameters() {
    return params;
  }

  /** The slot's value for {@code p}, zeros before the first update. */
  Tensor get(Parameter p, String slot) {
    Tensor t = values.computeIfAbsent(p, k -> new HashMap<>()).get(slot);
    return t == null ? Tensors.zeros(p.shape()) : t;
  }

  void put(Parameter p, String slot, Tensor value) {
    values.computeIfAbsent(p, k -> new HashMap<>()).put(slot, value);
  }

  /** {@code p}'s buffers as the update rule sees them. */
  UpdateRule.Slots slots(Parameter p) {
    return new UpdateRule.Slots() {
      @Override public Tensor get(String slot) { return SlotState.this.get(p, slot); }
      @Override public void put(String slot, Tensor value) { SlotState.this.put(p, slot, value); }
    };
  }

  Map<String, Tensor> export() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String slot : slots) {
      for (Parameter p : params) {
        Map<String, Tensor> m = values.get(p);
        if (m != null && m.containsKey(slot)) {
          out.put(slot + "/" + p.name(), m.get(slot));
        }
      }
    }
    return out;
  }

  void restore(Map<String, Tensor> state) {
    Map<Parameter, Map<String, Tensor>> incoming = new IdentityHashMap<>();
    Map<String, Parameter> byName = new HashMap<>();
    params.forEach(p -> byName.put(p.name(), p));
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      String key = e.getKey();
      int slash = key.indexOf('/');
      String slot = slash < 0 ? "" : key.substring(0, slash);
      Parameter p = slash < 0 ? null : byName.get(key.substring(slash + 1));
      if (!slots.contains(slot) || p == null) {
        throw new IllegalArgumentException("optimizer state: unknown key " + key + " (slots " + slots + ")");
      }
      if (!e.getValue().shape().equals(p.shape())) {
        throw new IllegalArgumentException("optimizer state: " + key + " has shape " + e.getValue().shape()
            + ", parameter has " + p.shape());
      }
      incoming.computeIfAbsent(p, k -> new HashMap<>()).put(slot, e.getValue());
    }
    values.clear();
    values.putAll(incoming);
  }
}
