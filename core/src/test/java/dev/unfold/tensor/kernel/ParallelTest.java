package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Parallel}: every part runs once, a failure reaches the caller, concurrent and nested callers work. */
class ParallelTest {

  @ParameterizedTest(name = "{0} parts")
  @ValueSource(ints = {0, 1, 2, 3, 5, 17})
  void everyPartRunsExactlyOnce(int parts) {
    for (int round = 0; round < 200; round++) {
      AtomicIntegerArray runs = new AtomicIntegerArray(parts);
      Parallel.run(parts, runs::incrementAndGet);
      for (int p = 0; p < parts; p++) {
        assertEquals(1, runs.get(p), "part " + p + " in round " + round);
      }
    }
  }

  @Test
  void aPartsWritesAreVisibleToTheCaller() {
    long[] out = new long[2];
    for (int round = 1; round <= 10_000; round++) {
      long value = round;
      Parallel.run(2, p -> out[p] = value * (p + 1));
      assertArrayEquals(new long[] {round, 2L * round}, out);
    }
  }

  @Test
  void aFailingPartReachesTheCallerAndTheWorkersStayUsable() {
    IllegalStateException boom = new IllegalStateException("boom");
    for (int failing = 0; failing < 4; failing++) {
      int f = failing;
      AtomicIntegerArray runs = new AtomicIntegerArray(4);
      IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.run(4, p -> {
        runs.incrementAndGet(p);
        if (p == f) {
          throw boom;
        }
      }));
      assertSame(boom, thrown);
      // A thread stops at its failing part; no part runs twice.
      assertEquals(1, runs.get(f));
      for (int p = 0; p < 4; p++) {
        assertTrue(runs.get(p) <= 1, "part " + p);
      }
    }
    AtomicIntegerArray after = new AtomicIntegerArray(3);
    Parallel.run(3, after::incrementAndGet);
    assertEquals(3, after.get(0) + after.get(1) + after.get(2));
  }

  @Test
  void nestedCallsRunInline() {
    AtomicIntegerArray runs = new AtomicIntegerArray(9);
    Parallel.run(3, outer -> Parallel.run(3, inner -> runs.incrementAndGet(outer * 3 + inner)));
    for (int i = 0; i < 9; i++) {
      assertEquals(1, runs.get(i));
    }
  }

  @Test
  void concurrentCallersEachGetAllTheirParts() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        done.add(callers.submit(() -> {
          int total = 0;
          for (int round = 0; round < 2_000; round++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            Parallel.run(3, runs::incrementAndGet);
            total += runs.get(0) + runs.get(1) + runs.get(2);
          }
          return total;
        }));
      }
      for (Future<Integer> f : done) {
        assertEquals(6_000, f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aThreadHeldUpLeavesTheRemainingPartsToTheOthers() {
    // The thread that claims part 0 (its first claim) is held up; the others run every other part meanwhile.
    assumeTrue(Parallel.threads() > 1, "one kernel thread on this machine");
    int parts = 16;
    Thread[] ranBy = new Thread[parts];
    Parallel.run(parts, p -> {
      ranBy[p] = Thread.currentThread();
      if (p == 0) {
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    for (int p = 0; p < parts; p++) {
      assertTrue(ranBy[p] != null, "part " + p + " ran");
    }
    // Parts are claimed in order, so part 0 was its thread's first; after it every part was taken.
    int slowParts = 0;
    for (int p = 1; p < parts; p++) {
      if (ranBy[p] == ranBy[0]) {
        slowParts++;
      }
    }
    assertEquals(0, slowParts, "parts run by the held-up thread besides its first");
  }


  @Test
  void callsInQuickSuccessionNeverMixTheirParts() {
    // A worker that comes late to one call must not run a part of the next with the old body or
    // count it toward the next call: each call's tally is checked as soon as it returns.
    for (int round = 0; round < 20_000; round++) {
      int parts = 2 + round % 7 * (round % 3 == 0 ? 3 : 1);
      AtomicIntegerArray runs = new AtomicIntegerArray(parts + 8);
      Parallel.run(parts, runs::incrementAndGet);
      for (int p = 0; p < parts + 8; p++) {
        assertEquals(p < parts ? 1 : 0, runs.get(p), "part " + p + " of " + parts + " in round " + round);
      }
    }
  }

}
