package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How {@link BlockedMatMul} cuts a product into parts for the threads: one below 1 MFLOP, one per thread from there. */
class ProductSplitTest {
  private static long flops(int n, int k, int m) {
    return 2L * n * k * m;
  }

  @Test
  void productsBelowTheThresholdRunOnOneThread() {
    // The small LSTM's recurrent product and head: 0.08 and 0.33 MFLOP.
    assertEquals(1, BlockedMatMul.parts(flops(1, 100, 400), 400, 8));
    assertEquals(1, BlockedMatMul.balancedParts(flops(25, 100, 65), 65, 8));
    assertEquals(1, BlockedMatMul.parts(BlockedMatMul.PARALLEL_FLOPS - 1, 1024, 8));
  }

  @Test
  void productsFromOneMegaflopAreSplitOnePartPerThread() {
    int threads = Parallel.threads();
    // [16×256]·[256×256]: 2.1 MFLOP, 32 panels of 8 columns.
    assertEquals(threads, BlockedMatMul.parts(flops(16, 256, 256), 256, 8));
    assertEquals(threads, BlockedMatMul.balancedParts(flops(16, 256, 256), 256, 8));
    assertEquals(threads, BlockedMatMul.parts(BlockedMatMul.PARALLEL_FLOPS, 1024, 8));
    // Never more parts than units of work: two panels.
    assertEquals(Math.min(threads, 2), BlockedMatMul.parts(flops(300, 300, 16), 16, 8));
  }

  @Test
  void largeProductsAreCutFinerThanOnePerThread() {
    int threads = Parallel.threads();
    // A GRU step's [32×256]·[256×768]: 12.6 MFLOP, in parts the threads claim as they go.
    int parts = BlockedMatMul.balancedParts(flops(32, 256, 768), 768, 8);
    if (threads > 1) {
      assertTrue(parts > threads && parts <= Parallel.PARTS_PER_THREAD * threads, parts + " parts");
    } else {
      assertEquals(1, parts);
    }
  }
}
