package dev.unfold.examples.tagger;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Sentences that mention people and places, generated from templates, with a tag per word:
 * {@code O}, {@code PER} (a person's name) or {@code LOC} (a place). The names used for testing
 * never occur in training, so the tagger must read the context, not memorise names.
 */
final class NameData {
  static final List<String> TAGS = List.of("O", "PER", "LOC");

  private static final List<String> PEOPLE = List.of("alice", "bob", "carol", "david", "emma", "frank", "grace", "henry",
      "irene", "jack", "karen", "leo", "maria", "nina", "oscar", "paul", "rosa", "sam", "tina", "victor", "walter", "yara",
      "zoe", "arthur", "bella", "clara", "dylan", "edith", "felix", "gloria", "hugo", "iris", "jonas", "lena", "milo",
      "nora", "otto", "petra", "quinn", "ruth", "simon", "thea", "ulrich", "vera", "wanda", "xavier", "yusuf", "zara");
  private static final List<String> PLACES = List.of("paris", "london", "berlin", "madrid", "rome", "vienna", "oslo",
      "lisbon", "dublin", "prague", "warsaw", "athens", "cairo", "lima", "quito", "tokyo", "seoul", "delhi", "perth",
      "boston", "denver", "austin", "toronto", "montreal", "geneva", "zurich", "munich", "milan", "naples", "porto",
      "seville", "krakow", "riga", "tallinn", "helsinki", "bergen", "malmo", "ghent", "bruges", "leeds");
  private static final List<String> TEMPLATES = List.of(
      "yesterday PER met PER in LOC", "PER lives in LOC", "the train from LOC to LOC was late",
      "PER said that the weather in LOC is cold", "we visited LOC with PER", "PER and PER went to the market",
      "the letter to PER arrived from LOC", "in LOC the river is wide", "PER wrote a long letter to PER",
      "after the meeting PER flew back to LOC", "the museum in LOC was closed", "PER gave the book to PER",
      "they moved from LOC to LOC last year", "my friend PER works in LOC", "PER thinks LOC is too expensive",
      "the road to LOC was closed so PER waited", "PER called PER from a hotel in LOC", "nobody in LOC knew PER");

  record Sentence(List<String> words, List<Integer> tags) {}

  /** Sentences whose names come from the first ({@code train}) or the last quarter of the lists. */
  static List<Sentence> generate(RandomGenerator rng, int count, boolean train) {
    List<String> people = part(PEOPLE, train);
    List<String> places = part(PLACES, train);
    List<Sentence> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String template = TEMPLATES.get(rng.nextInt(TEMPLATES.size()));
      List<String> words = new ArrayList<>();
      List<Integer> tags = new ArrayList<>();
      for (String w : template.split(" ")) {
        switch (w) {
          case "PER" -> { words.add(people.get(rng.nextInt(people.size()))); tags.add(1); }
          case "LOC" -> { words.add(places.get(rng.nextInt(places.size()))); tags.add(2); }
          default -> { words.add(w); tags.add(0); }
        }
      }
      out.add(new Sentence(words, tags));
    }
    return out;
  }

  private static List<String> part(List<String> all, boolean train) {
    int cut = all.size() * 3 / 4;
    return train ? all.subList(0, cut) : all.subList(cut, all.size());
  }

  /** Every word of the training templates and names (the tagger's vocabulary). */
  static List<String> trainingWords() {
    List<String> words = new ArrayList<>();
    for (String t : TEMPLATES) {
      for (String w : t.split(" ")) {
        if (!w.equals("PER") && !w.equals("LOC")) {
          words.add(w);
        }
      }
    }
    words.addAll(part(PEOPLE, true));
    words.addAll(part(PLACES, true));
    return words;
  }
}
