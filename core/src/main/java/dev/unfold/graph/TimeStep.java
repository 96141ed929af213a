package dev.unfold.graph;

import java.util.OptionalInt;

/**
 * The one definition of the time-step scope segment {@code t=K}, which unrollers write and
 * graph dumps read to fold an unrolled graph back into one cell.
 */
public final class TimeStep {
  private static final String PREFIX = "t=";

  private TimeStep() {}

  /** The scope segment for step {@code t}, for example {@code t=3}. */
  public static String segment(int t) {
    if (t < 0) {
      throw new IllegalArgumentException("time step must be ≥ 0, got " + t);
    }
    return PREFIX + t;
  }

  /** The step of a segment such as {@code t=3}; empty when the segment is not a time step. */
  public static OptionalInt parse(String segment) {
    if (!segment.startsWith(PREFIX) || segment.length() == PREFIX.length()) {
      return OptionalInt.empty();
    }
    int t = 0;
    for (int i = PREFIX.length(); i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c < '0' || c > '9' || t > (Integer.MAX_VALUE - 9) / 10) {
        return OptionalInt.empty();
      }
      t = t * 10 + (c - '0');
    }
    return OptionalInt.of(t);
  }

  /** {@code path} with every time-step segment written {@code t=*}: {@code enc/t=3/gate} → {@code enc/t=*}{@code /gate}. */
  public static String fold(String path) {
    if (!path.contains(PREFIX)) {
      return path;
    }
    String[] parts = path.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      if (parse(parts[i]).isPresent()) {
        parts[i] = PREFIX + "*";
      }
    }
    return String.join("/", parts);
  }

  /** The innermost time step in a scope path such as {@code enc/lstm/t=3/gate}; empty if none. */
  public static OptionalInt innermost(String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      OptionalInt t = parse(parts[i]);
      if (t.isPresent()) {
        return t;
      }
    }
    return OptionalInt.empty();
  }
}
