package dev.unfold.tensor.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the independent parts of one kernel call on a few daemon worker threads and the calling
 * thread. Parts must write disjoint outputs; how the work is cut into parts is the caller's, so
 * results never depend on which thread ran a part.
 *
 * <p>Every thread, the caller included, claims the call's parts in order from one counter until
 * none is left, and the caller then waits only for parts a worker has claimed, never for a
 * worker to start. A thread that starts late or runs slower simply does fewer parts, and a call
 * cut into more parts than threads keeps both busy to the end. NOTE: with one fixed part per
 * thread, the caller of a std float64 RNN step spent 19–33% of its time in parallel calls
 * waiting for the worker (instrumented runs, session K). Most calls started the worker within
 * 2 µs, but about 3 per step found it descheduled for over a millisecond (2 vCPUs, and the JVM's
 * compiler and collector threads runnable too), and its part waited for it.
 *
 * <p>A worker that has run out of parts spins for {@value #SPIN_NANOS} ns waiting for the next
 * call before it parks, as OpenMP's and OpenBLAS's threads do: a training step hands out a
 * product every 50–300 µs, and waking a parked thread cost about 29 µs here (a thread pool's
 * submit and future), as much as half of a per-step product on one core. A spinning handoff
 * costs well under a microsecond. With a 250 µs spin the worker of a std float64 RNN step was
 * unparked about 16 times per step (the gaps of graph building and the update); with 5 ms, about
 * once every two steps. One caller at a time owns the workers; a second, concurrent caller
 * (another thread, or a part that itself calls {@code run}) runs its parts itself.
 *
 * <p>After a part throws, the parts not yet started are skipped; the caller waits for those
 * running and rethrows the first failure. NOTE: on a machine with more runnable threads than
 * cores the spinning takes time from other work (a run beside another benchmarking JVM was
 * slower than with the thread pool), so a spinner yields its core every 64 spins.
 */
final class Parallel {
  private Parallel() {}

  /** How long an idle worker spins before it parks. */
  static final long SPIN_NANOS = 5_000_000;
  /**
   * A spinning thread yields its core once every this many + 1 spins, so that on a machine with
   * more runnable threads than cores the spinner does not hold a core the thread it waits for needs.
   */
  private static final int YIELD_EVERY = 63;

  /** No call: what {@link #current} holds between calls, so that it keeps no body alive. */
  private static final Call IDLE = new Call(p -> { }, 0);
  /** The call in progress, or {@link #IDLE}; workers watch it for a new call. */
  private static volatile Call current = IDLE;
  private static final AtomicBoolean OWNED = new AtomicBoolean();
  private static final Worker[] WORKERS = startWorkers(Kernels.THREADS - 1);

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
      Call call = new Call(body, parts);
      current = call;
      for (Worker w : WORKERS) {
        w.wake();
      }
      call.runClaimed();
      // NOTE: the caller waits only for parts a worker has claimed, never for a worker to start.
      int spins = 0;
      while (call.done() < parts) {
        spins = spinOnce(spins);
      }
      Throwable failure = call.failure;
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
      current = IDLE;
      OWNED.set(false);
    }
  }

  /** One step of a spin-wait: a pause, and every {@link #YIELD_EVERY} + 1 steps a yield of the core. */
  private static int spinOnce(int spins) {
    if ((++spins & YIELD_EVERY) != 0) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
    return spins;
  }

  /**
   * One call's parts, claimed in order by whichever thread asks next. A worker that wakes late,
   * even calls later, claims from the call it saw, which has nothing left, so it can never run a
   * part of one call with another's body.
   */
  private static final class Call {
    private static final VarHandle NEXT;
    private static final VarHandle DONE;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        NEXT = lookup.findVarHandle(Call.class, "next", int.class);
        DONE = lookup.findVarHandle(Call.class, "done", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final IntConsumer body;
    final int parts;
    @SuppressWarnings("unused") // through NEXT
    private volatile int next;
    @SuppressWarnings("unused") // through DONE
    private volatile int done;
    /** The first failure; parts claimed after it are counted without running. */
    volatile Throwable failure;

    Call(IntConsumer body, int parts) {
      this.body = body;
      this.parts = parts;
    }

    int done() {
      return (int) DONE.getVolatile(this);
    }

    /** Claims and runs parts until none is left. */
    void runClaimed() {
      for (int p = (int) NEXT.getAndAdd(this, 1); p < parts; p = (int) NEXT.getAndAdd(this, 1)) {
        try {
          if (failure == null) {
            body.accept(p);
          }
        } catch (Throwable t) {
          synchronized (this) {
            if (failure == null) {
              failure = t;
            }
          }
        } finally {
          // NOTE: a volatile add, so the part's writes happen before the caller sees it done.
          DONE.getAndAdd(this, 1);
        }
      }
    }
  }

  /** A band {@code [from, to)} of independent items (rows, lines). */
  @FunctionalInterface
  interface Band {
    void run(int from, int to);
  }

  /**
   * Calls {@code body} on consecutive bands covering {@code [0, count)}: on one thread when the
   * call's {@code work} (elements, say) is below {@code minWork}, else cut into bands of at least
   * {@code minWork / threads} work each, up to {@link #PARTS_PER_THREAD} per thread, which the
   * threads claim as they go.
   */
  static void bands(int count, long work, long minWork, Band body) {
    int parts = work < minWork ? 1 : (int) Math.max(1, Math.min(Math.min(count, (long) threads() * PARTS_PER_THREAD),
        work * threads() / Math.max(1, minWork)));
    run(parts, part -> body.run((int) ((long) count * part / parts), (int) ((long) count * (part + 1) / parts)));
  }

  /** How many parts per thread a call may be cut into for balance, where more parts cost nothing extra. */
  static final int PARTS_PER_THREAD = 4;

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

  /** One worker thread: it watches {@link #current} for a new call and claims parts of it until none is left. */
  private static final class Worker {
    private Thread thread;
    private volatile boolean parked;

    /** Unparks the worker if it parked; a permit given early is kept. */
    void wake() {
      // NOTE: parked and current are both volatile, so either the worker sees the new call
      // before it parks or we see it parked and unpark it.
      if (parked) {
        LockSupport.unpark(thread);
      }
    }

    private void loop() {
      Call seen = IDLE;
      while (true) {
        seen = next(seen);
        seen.runClaimed();
      }
    }

    /** Spins for a call other than {@code seen} and IDLE for up to {@link #SPIN_NANOS}, then parks until one comes. */
    private Call next(Call seen) {
      long deadline = System.nanoTime() + SPIN_NANOS;
      int spins = 0;
      Call call;
      while ((call = current) == seen || call == IDLE) {
        if ((++spins & YIELD_EVERY) != 0) {
          Thread.onSpinWait();
        } else if (System.nanoTime() < deadline) {
          Thread.yield();
        } else {
          parked = true;
          Call now = current;
          if (now == seen || now == IDLE) {
            LockSupport.park(this);
          }
          parked = false;
          deadline = System.nanoTime() + SPIN_NANOS;
        }
      }
      return call;
    }
  }
}
