package dev.unfold.tensor.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the independent parts of one kernel call on a few daemon worker threads, the calling
 * thread taking part 0. Parts must write disjoint outputs; how the work is cut into parts is the
 * caller's, so results never depend on which thread ran a part.
 *
 * <p>A worker that has just finished a part spins for {@value #SPIN_NANOS} ns waiting for the
 * next before it parks, as OpenMP's and OpenBLAS's threads do: a training step hands out a
 * product every 50–300 µs, and waking a parked thread cost about 29 µs here (a thread pool's
 * submit and future), as much as half of a per-step product on one core. A spinning handoff
 * costs well under a microsecond. One caller at a time owns the workers; a second, concurrent
 * caller (another thread, or a part that itself calls {@code run}) runs its parts itself.
 *
 * <p>A part that throws stops the rest of its thread's parts; the caller waits for every thread
 * and rethrows the first failure. NOTE: on a machine with more runnable threads than cores the
 * spinning takes time from other work (a run beside another benchmarking JVM was slower than
 * with the thread pool); the spin is short and yields for that reason.
 */
final class Parallel {
  private Parallel() {}

  /** How long an idle worker spins before it parks. */
  static final long SPIN_NANOS = 250_000;
  /**
   * A spinning thread yields its core once every this many + 1 spins, so that on a machine with
   * more runnable threads than cores the spinner does not hold a core the thread it waits for needs.
   */
  private static final int YIELD_EVERY = 63;

  private static final Worker[] WORKERS = startWorkers(Kernels.THREADS - 1);
  private static final AtomicBoolean OWNED = new AtomicBoolean();

  /** The most parts worth running at once. */
  static int threads() {
    return Kernels.THREADS;
  }

  /** Calls {@code body} with 0 … parts−1 and returns when all have finished. */
  static void run(int parts, IntConsumer body) {
    if (parts <= 1 || WORKERS.length == 0 || !OWNED.compareAndSet(false, true)) {
      for (int p = 0; p < parts; p++) {
        body.accept(p);
      }
      return;
    }
    try {
      // Part p runs on thread p % threads: the caller is thread 0, worker w is thread w + 1.
      int threads = Math.min(parts, WORKERS.length + 1);
      for (int w = 0; w < threads - 1; w++) {
        WORKERS[w].start(body, w + 1, parts, threads);
      }
      Throwable failure = null;
      try {
        for (int p = 0; p < parts; p += threads) {
          body.accept(p);
        }
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      // NOTE: every worker is waited for, even after a failure, so no thread is still writing
      // into the output when this returns.
      for (int w = 0; w < threads - 1; w++) {
        Throwable t = WORKERS[w].await();
        if (failure == null) {
          failure = t;
        }
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
    } finally {
      OWNED.set(false);
    }
  }

  /** A band {@code [from, to)} of independent items (rows, lines). */
  @FunctionalInterface
  interface Band {
    void run(int from, int to);
  }

  /**
   * Calls {@code body} on consecutive bands covering {@code [0, count)}: one band per thread when
   * the call's {@code work} (elements, say) reaches {@code minWork}, else one band on this thread.
   */
  static void bands(int count, long work, long minWork, Band body) {
    int parts = work < minWork ? 1 : Math.max(1, Math.min(threads(), count));
    run(parts, part -> body.run((int) ((long) count * part / parts), (int) ((long) count * (part + 1) / parts)));
  }

  private static Worker[] startWorkers(int count) {
    Worker[] workers = new Worker[Math.max(0, count)];
    for (int w = 0; w < workers.length; w++) {
      workers[w] = new Worker();
      Thread t = new Thread(workers[w]::loop, "unfold-kernel-" + (w + 1));
      t.setDaemon(true);
      workers[w].thread = t;
      t.start();
    }
    return workers;
  }

  /**
   * One worker thread and its mailbox. The owner writes the job's fields, then publishes it with
   * the volatile {@link #job}; the worker clears {@link #job} when done, which publishes
   * {@link #failure} and the part's writes back to the owner.
   */
  private static final class Worker {
    private Thread thread;
    private volatile IntConsumer job;
    private volatile boolean parked;
    private int first;
    private int parts;
    private int stride;
    private Throwable failure;

    void start(IntConsumer body, int first, int parts, int stride) {
      this.first = first;
      this.parts = parts;
      this.stride = stride;
      this.failure = null;
      job = body;
      // NOTE: both flags are volatile, so either the worker sees the job before it parks or we
      // see it parked and unpark it (a permit given early is kept).
      if (parked) {
        LockSupport.unpark(thread);
      }
    }

    /** Waits until the worker has finished its parts; returns what they threw, or null. */
    Throwable await() {
      int spins = 0;
      while (job != null) {
        if ((++spins & YIELD_EVERY) != 0) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
      return failure;
    }

    private void loop() {
      while (true) {
        IntConsumer body = next();
        try {
          for (int p = first; p < parts; p += stride) {
            body.accept(p);
          }
        } catch (Throwable t) {
          failure = t;
        }
        job = null;
      }
    }

    /** Spins for the next job for up to {@link #SPIN_NANOS}, then parks until one comes. */
    private IntConsumer next() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      int spins = 0;
      IntConsumer body;
      while ((body = job) == null) {
        if ((++spins & YIELD_EVERY) != 0) {
          Thread.onSpinWait();
        } else if (System.nanoTime() < deadline) {
          Thread.yield();
        } else {
          parked = true;
          if (job == null) {
            LockSupport.park(this);
          }
          parked = false;
          deadline = System.nanoTime() + SPIN_NANOS;
        }
      }
      return body;
    }
  }
}
