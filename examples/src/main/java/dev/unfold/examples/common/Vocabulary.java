package dev.unfold.examples.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Words (or characters) to ids and back; id 0 is reserved for the unknown item {@code <unk>}. */
public final class Vocabulary {
  public static final String UNKNOWN = "<unk>";
  private final List<String> items = new ArrayList<>();
  private final Map<String, Integer> ids = new HashMap<>();

  public Vocabulary(Collection<String> known) {
    add(UNKNOWN);
    known.forEach(this::add);
  }

  private void add(String s) {
    if (!ids.containsKey(s)) {
      ids.put(s, items.size());
      items.add(s);
    }
  }

  public int size() {
    return items.size();
  }

  /** The id of {@code s}, or 0 ({@code <unk>}) when it is not known. */
  public int id(String s) {
    return ids.getOrDefault(s, 0);
  }

  public String item(int id) {
    return items.get(id);
  }
}
