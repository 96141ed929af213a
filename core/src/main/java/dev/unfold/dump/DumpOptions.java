package dev.unfold.dump;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * What a graph dump shows: the view, which nodes, and which numbers. Immutable; change a copy
 * with the {@code withX} methods.
 *
 * @param view unfolded (every node) or folded (one copy of the recurrent cell, see {@link FoldedView})
 * @param scopePrefix only nodes whose path starts with this prefix, segment by segment
 *     ({@code rnn/t=1} selects {@code rnn/t=1/a} but not {@code rnn/t=10/a}); empty for all
 * @param ops only nodes with one of these op names ({@code tanh}, {@code param}, {@code const}, …),
 *     sorted and without repeats; empty for all
 * @param values show value summaries (min, mean, max, NaN and Inf counts)
 * @param grads show gradient summaries (L2 norm, min, max) of nodes that have a gradient
 * @param fullValuesUpTo also print the elements of values and gradients with at most this many
 *     elements; 0 never does
 */
public record DumpOptions(View view, String scopePrefix, List<String> ops, boolean values, boolean grads,
    int fullValuesUpTo) {

  /** How the graph is laid out. */
  public enum View {
    /** Every node of the unrolled graph, one cluster per scope. */
    UNFOLDED,
    /** Time steps merged into one cell with delayed recurrent edges. */
    FOLDED
  }

  private static final DumpOptions DEFAULTS = new DumpOptions(View.UNFOLDED, "", List.of(), true, true, 0);

  public DumpOptions {
    if (view == null) {
      throw new IllegalArgumentException("dump options: view is null");
    }
    if (scopePrefix == null) {
      throw new IllegalArgumentException("dump options: scope prefix is null (use \"\" for all nodes)");
    }
    while (scopePrefix.endsWith("/")) {
      scopePrefix = scopePrefix.substring(0, scopePrefix.length() - 1);
    }
    ops = List.copyOf(new TreeSet<>(ops));
    if (fullValuesUpTo < 0) {
      throw new IllegalArgumentException("dump options: fullValuesUpTo must be ≥ 0, got " + fullValuesUpTo);
    }
  }

  /** Unfolded, every node, value and gradient summaries, no full values. */
  public static DumpOptions defaults() {
    return DEFAULTS;
  }

  public DumpOptions withView(View newView) {
    return new DumpOptions(newView, scopePrefix, ops, values, grads, fullValuesUpTo);
  }

  /** The folded view. */
  public DumpOptions folded() {
    return withView(View.FOLDED);
  }

  /** The unfolded view. */
  public DumpOptions unfolded() {
    return withView(View.UNFOLDED);
  }

  public DumpOptions withScopePrefix(String prefix) {
    return new DumpOptions(view, prefix, ops, values, grads, fullValuesUpTo);
  }

  /** Only nodes with these op names; none given means all. */
  public DumpOptions withOps(String... names) {
    return new DumpOptions(view, scopePrefix, Arrays.asList(names), values, grads, fullValuesUpTo);
  }

  public DumpOptions withValues(boolean show) {
    return new DumpOptions(view, scopePrefix, ops, show, grads, fullValuesUpTo);
  }

  public DumpOptions withGrads(boolean show) {
    return new DumpOptions(view, scopePrefix, ops, values, show, fullValuesUpTo);
  }

  public DumpOptions withFullValuesUpTo(int elements) {
    return new DumpOptions(view, scopePrefix, ops, values, grads, elements);
  }

  /** True when a filter (scope prefix or ops) is set. */
  public boolean filtered() {
    return !scopePrefix.isEmpty() || !ops.isEmpty();
  }

  /** True when the node passes the scope-prefix and op filters. */
  public boolean selects(DumpNode n) {
    return (ops.isEmpty() || ops.contains(n.op())) && underPrefix(n.path());
  }

  private boolean underPrefix(String path) {
    return scopePrefix.isEmpty() || path.equals(scopePrefix) || path.startsWith(scopePrefix + "/");
  }

  /** The filter in words, for headers: for example {@code scope rnn/t=1, ops tanh,matmul}. */
  String describeFilter() {
    StringBuilder sb = new StringBuilder();
    if (!scopePrefix.isEmpty()) {
      sb.append("scope ").append(scopePrefix);
    }
    if (!ops.isEmpty()) {
      sb.append(sb.length() > 0 ? ", " : "").append("ops ").append(String.join(",", ops));
    }
    return sb.toString();
  }
}
