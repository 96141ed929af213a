package dev.unfold.examples.seq2seq;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.random.RandomGenerator;

/** Dates written in many human formats, each paired with its ISO 8601 form {@code yyyy-MM-dd}. */
final class Dates {
  private static final List<DateTimeFormatter> FORMATS = List.of(
      "d MMMM yyyy", "MMMM d, yyyy", "MMM d yyyy", "dd.MM.yyyy", "yyyy/MM/dd", "EEEE, d MMMM yyyy",
      "d MMM yyyy", "EEE d MMM yyyy", "EEEE MMMM d yyyy", "d. MMMM yyyy")
      .stream().map(p -> DateTimeFormatter.ofPattern(p, Locale.ENGLISH)).toList();

  record Pair(String human, String iso) {}

  static List<Pair> generate(RandomGenerator rng, int count) {
    long first = LocalDate.of(1900, 1, 1).toEpochDay();
    long last = LocalDate.of(2099, 12, 31).toEpochDay();
    List<Pair> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      LocalDate d = LocalDate.ofEpochDay(first + (long) (rng.nextDouble() * (last - first + 1)));
      String human = d.format(FORMATS.get(rng.nextInt(FORMATS.size()))).toLowerCase(Locale.ROOT);
      out.add(new Pair(human, d.toString()));
    }
    return out;
  }

  /** Every character the human formats can produce. */
  static String inputCharacters() {
    return " ,./0123456789abcdefghijklmnopqrstuvwxyz";
  }
}
