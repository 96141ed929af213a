package dev.unfold.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SeededRandomTest {
  @Test
  void restoredGeneratorContinuesTheSameSequenceIncludingACachedGaussian() {
    SeededRandom a = new SeededRandom(42);
    for (int i = 0; i < 1000; i++) {
      a.nextDouble();
    }
    a.nextGaussian();  // leaves the pair's second value cached
    long[] saved = a.state();
    SeededRandom b = new SeededRandom(7);
    b.restore(saved);
    for (int i = 0; i < 100; i++) {
      assertEquals(a.nextGaussian(), b.nextGaussian());
      assertEquals(a.nextInt(), b.nextInt());
      assertEquals(a.nextLong(), b.nextLong());
    }
    assertThrows(IllegalArgumentException.class, () -> b.restore(new long[3]));
  }

  @Test
  void gaussiansLookStandardNormal() {
    SeededRandom r = new SeededRandom(1);
    double sum = 0;
    double sq = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      double g = r.nextGaussian();
      sum += g;
      sq += g * g;
    }
    assertEquals(0, sum / n, 0.02);
    assertEquals(1, sq / n, 0.02);
  }
}
