package dev.unfold.dump;

import dev.unfold.graph.Node;
import dev.unfold.graph.NodeTimer;
import dev.unfold.graph.TimeStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a graph's time goes: wall-clock time per op in forward, in backward and in summing
 * gradients, collected while attached to one or more graphs with
 * {@link dev.unfold.graph.Graph#setNodeTimer} and printed as a table, heaviest first.
 *
 * <pre>{@code
 * OpProfile profile = OpProfile.byOp();
 * for (int i = 0; i < 20; i++) {
 *   Graph g = new Graph(DType.FLOAT32);
 *   g.setNodeTimer(profile);
 *   Node loss = model.loss(g);
 *   g.backward(loss);
 * }
 * System.out.print(profile.table(20));  // milliseconds per step
 * }</pre>
 *
 * <p>{@link #byOp()} keeps one row per op name; {@link #byScope()} one per scope and op name with
 * every time step folded ({@code rnn/t=*}{@code /matmul_add}), so the 50 copies of a cell's
 * product add up in one row and an input projection stays apart from the recurrent product;
 * a leaf's row (a parameter's gradient sums) is its path. Times are
 * as the graph's thread sees them: a product split over threads counts once, at its wall time.
 * Each timed node costs about two clock reads more, so the many tiny nodes of a small model
 * look a little heavier than they are. Not thread-safe: attach it to one thread's graphs.
 */
public final class OpProfile implements NodeTimer {
  private final boolean scoped;
  private final Map<String, Row> rows = new HashMap<>();
  // The row of each (scope path, label) seen: the folding and joining happen once per distinct
  // path rather than once per node. Keyed by the path's value (a String caches its hash), not its
  // identity, so profiling many graphs, each with its own scope objects, keeps one entry per path.
  private final Map<String, Map<String, Row>> byScopePath = new HashMap<>();

  private OpProfile(boolean scoped) {
    this.scoped = scoped;
  }

  /** One row per op name ({@code param} for parameter leaves, whose row shows their gradient sums). */
  public static OpProfile byOp() {
    return new OpProfile(false);
  }

  /** One row per scope and op name, with time steps folded to {@code t=*}; one per leaf path. */
  public static OpProfile byScope() {
    return new OpProfile(true);
  }

  /**
   * One line of the profile: {@code calls} nodes, and the nanoseconds spent computing their
   * values, in their pullbacks and in summing the gradients they received.
   */
  public record Entry(String key, long calls, long forwardNanos, long backwardNanos, long gradientSumNanos) {
    /** Forward, backward and gradient sums together. */
    public long totalNanos() {
      return forwardNanos + backwardNanos + gradientSumNanos;
    }
  }

  private static final class Row {
    final String key;
    long calls;
    long forward;
    long backward;
    long gradientSum;

    Row(String key) {
      this.key = key;
    }
  }

  @Override
  public void forward(Node n, long nanos) {
    Row r = row(n);
    r.calls++;
    r.forward += nanos;
  }

  @Override
  public void backward(Node n, long nanos) {
    row(n).backward += nanos;
  }

  @Override
  public void gradientSum(Node n, long nanos) {
    Row r = row(n);
    if (n.kind() != Node.Kind.OP) {
      r.calls++;  // a leaf has no forward: it counts once per sum
    }
    r.gradientSum += nanos;
  }

  private Row row(Node n) {
    if (n.kind() != Node.Kind.OP) {
      return rows.computeIfAbsent(scoped ? TimeStep.fold(n.path()) : n.opName(), Row::new);
    }
    // NOTE: the op name, not the node's own name: a node is usually named after it is recorded,
    // so its forward time would land in another row than its backward time.
    String label = n.opName();
    if (!scoped) {
      return rows.computeIfAbsent(label, Row::new);
    }
    String path = n.scopePath();
    Map<String, Row> labels = byScopePath.computeIfAbsent(path, p -> new HashMap<>());
    Row r = labels.get(label);
    if (r == null) {
      String folded = TimeStep.fold(path);
      String key = folded.isEmpty() ? label : folded + "/" + label;
      r = rows.computeIfAbsent(key, Row::new);
      labels.put(label, r);
    }
    return r;
  }

  /** Every row, heaviest total first. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Row r : rows.values()) {
      out.add(new Entry(r.key, r.calls, r.forward, r.backward, r.gradientSum));
    }
    out.sort(Comparator.comparingLong(Entry::totalNanos).reversed().thenComparing(Entry::key));
    return out;
  }

  /** All the time recorded, in nanoseconds. */
  public long totalNanos() {
    long total = 0;
    for (Row r : rows.values()) {
      total += r.forward + r.backward + r.gradientSum;
    }
    return total;
  }

  /** Forgets everything recorded (after warm-up, for instance). */
  public void reset() {
    rows.clear();
    byScopePath.clear();
  }

  /** The table of totals in milliseconds; see {@link #table(int)}. */
  public String table() {
    return table(1);
  }

  /**
   * The table, heaviest first, with calls and milliseconds divided by {@code runs} (the number of
   * steps profiled, for figures per step), each row's share of the total, and a total line.
   */
  public String table(int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("OpProfile.table: runs must be ≥ 1, got " + runs);
    }
    Table t = new Table(List.of(scoped ? "node" : "op", "calls", "forward ms", "backward ms", "grad sum ms",
        "total ms", "share"), 1, 2, 3, 4, 5, 6);
    long total = totalNanos();
    long calls = 0;
    long forward = 0;
    long backward = 0;
    long sums = 0;
    for (Entry e : entries()) {
      t.row(List.of(e.key(), count(e.calls(), runs), ms(e.forwardNanos(), runs), ms(e.backwardNanos(), runs),
          ms(e.gradientSumNanos(), runs), ms(e.totalNanos(), runs), share(e.totalNanos(), total)));
      calls += e.calls();
      forward += e.forwardNanos();
      backward += e.backwardNanos();
      sums += e.gradientSumNanos();
    }
    t.row(List.of("total", count(calls, runs), ms(forward, runs), ms(backward, runs), ms(sums, runs), ms(total, runs),
        share(total, total)));
    return t.text("");
  }

  private static String count(long calls, int runs) {
    return calls % runs == 0 ? Long.toString(calls / runs) : String.format(Locale.ROOT, "%.1f", (double) calls / runs);
  }

  private static String ms(long nanos, int runs) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6 / runs);
  }

  private static String share(long part, long total) {
    return total == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / total);
  }

  @Override
  public String toString() {
    return table();
  }
}
