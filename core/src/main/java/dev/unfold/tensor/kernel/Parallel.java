package dev.unfold.tensor.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs the independent parts of one kernel call on a small pool of daemon threads, the calling
 * thread taking part 0. Parts must write disjoint outputs; how the work is cut into parts is the
 * caller's, so results never depend on which thread ran a part.
 */
final class Parallel {
  private Parallel() {}

  private static final ExecutorService POOL = Kernels.THREADS > 1
      ? Executors.newFixedThreadPool(Kernels.THREADS - 1, r -> {
          Thread t = new Thread(r, "unfold-kernel");
          t.setDaemon(true);
          return t;
        })
      : null;

  /** The most parts worth running at once. */
  static int threads() {
    return Kernels.THREADS;
  }

  /** Calls {@code body} with 0 … parts−1 and returns when all have finished. */
  static void run(int parts, IntConsumer body) {
    if (parts <= 1 || POOL == null) {
      for (int p = 0; p < parts; p++) {
        body.accept(p);
      }
      return;
    }
    Future<?>[] others = new Future<?>[parts - 1];
    for (int p = 1; p < parts; p++) {
      int part = p;
      others[p - 1] = POOL.submit(() -> body.accept(part));
    }
    RuntimeException failure = null;
    try {
      body.accept(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    // NOTE: every part is waited for, even after a failure or an interrupt, so no thread is still
    // writing into the output when this returns.
    boolean interrupted = false;
    for (Future<?> f : others) {
      while (true) {
        try {
          f.get();
          break;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (failure == null) {
            failure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
