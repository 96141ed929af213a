package dev.unfold.examples.classify;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Short film reviews generated from neutral filler and a few opinion words, labelled positive
 * (1) or negative (0) by their opinion words; "not" flips the word after it. A classifier has to
 * find the few words that matter among many that do not, which attention pooling makes visible.
 */
final class Reviews {
  private static final List<String> POSITIVE = List.of("great", "wonderful", "superb", "moving", "delightful", "brilliant");
  private static final List<String> NEGATIVE = List.of("awful", "boring", "dull", "tedious", "clumsy", "dreadful");
  private static final List<String> FILLER = List.of("the", "film", "story", "was", "and", "a", "with", "its", "cast",
      "of", "plot", "music", "ending", "second", "half", "really", "quite", "at", "times", "in", "parts", "director",
      "script", "scenes", "we", "saw", "it", "on", "friday", "this", "old", "new");

  record Review(List<String> words, int label) {}

  static List<Review> generate(RandomGenerator rng, int count) {
    List<Review> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = rng.nextInt(2);
      int length = 6 + rng.nextInt(10);
      List<String> words = new ArrayList<>();
      for (int k = 0; k < length; k++) {
        words.add(FILLER.get(rng.nextInt(FILLER.size())));
      }
      boolean negated = rng.nextInt(4) == 0;
      List<String> opinion = (label == 1) != negated ? POSITIVE : NEGATIVE;
      int at = rng.nextInt(words.size() - 1);
      if (negated) {
        words.set(at, "not");
        words.set(at + 1, opinion.get(rng.nextInt(opinion.size())));
      } else {
        words.set(at, opinion.get(rng.nextInt(opinion.size())));
      }
      out.add(new Review(words, label));
    }
    return out;
  }

  static List<String> vocabulary() {
    List<String> all = new ArrayList<>(FILLER);
    all.addAll(POSITIVE);
    all.addAll(NEGATIVE);
    all.add("not");
    return all;
  }
}
