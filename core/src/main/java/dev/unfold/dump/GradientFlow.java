package dev.unfold.dump;

import dev.unfold.graph.BackwardOptions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.io.AtomicFiles;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorSummary;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * How gradients flow back through the time steps of an unrolled graph: for each step t the
 * norm of ∂L/∂h_t (and of ∂L/∂gate_t for named gates), and on request an estimate of
 * ‖∂h_T/∂h_t‖, how strongly the last state depends on each earlier one. Norms that shrink from
 * late to early steps show vanishing gradients; norms that grow show exploding ones.
 *
 * <p>A series is every node with the given name inside a time step ({@code t=K} scope), keyed by
 * its path with the step removed: {@code rnn/t=3/h} belongs to {@code rnn/h}, so stacked or
 * bidirectional layers give one series each.
 *
 * <p>‖∂h_T/∂h_t‖ is the Frobenius norm of the Jacobian, estimated as {@code sqrt(mean_k ‖v_kᵀ·J‖²)}
 * over k standard Gaussian projections v_k of h_T's shape (E[‖vᵀJ‖²] = ‖J‖²_F), each one
 * backward pass from h_T with seed v_k.
 *
 * <p>Measuring runs backward passes on the graph with {@code retainGrads} on and
 * {@code accumulateIntoParameters} off, so parameters' gradients are untouched; it clears the
 * gradients kept on the graph's nodes first ({@link Graph#zeroNodeGrads()}) and leaves ∂L/∂node on
 * them afterwards. Immutable once measured.
 */
public final class GradientFlow {
  /** What a series measures. */
  public enum Role {
    /** ‖∂L/∂h_t‖ for the hidden state. */
    STATE,
    /** ‖∂L/∂gate_t‖ for a named gate. */
    GATE,
    /** The estimate of ‖∂h_T/∂h_t‖. */
    JACOBIAN
  }

  /**
   * One column of the report.
   *
   * @param path the nodes' path with the time step removed, for example {@code lstm/forget_gate}
   * @param role what the norms measure
   * @param norms norm per time step; 0 for a step the gradient does not reach
   */
  public record Series(String path, Role role, SortedMap<Integer, Double> norms) {
    public Series {
      norms = Collections.unmodifiableSortedMap(new TreeMap<>(norms));
    }

    /** The column heading, for example {@code ‖∂L/∂rnn/h‖} or {@code ‖∂h_T/∂h_t‖ rnn/h (T=7)}. */
    public String heading() {
      return role == Role.JACOBIAN
          ? "‖∂h_T/∂h_t‖ " + path + " (T=" + norms.lastKey() + ")"
          : "‖∂L/∂" + path + "‖";
    }
  }

  private final String loss;
  private final int probes;
  private final List<Series> series;

  private GradientFlow(String loss, int probes, List<Series> series) {
    this.loss = loss;
    this.probes = probes;
    this.series = List.copyOf(series);
  }

  /**
   * Measures the gradient flow from the one-element {@code loss} through the time steps of its
   * graph.
   *
   * @throws IllegalArgumentException when the loss has more than one element or no node named
   *     as the state lies inside a time step
   */
  public static GradientFlow measure(Graph g, Node loss, FlowOptions options) {
    if (loss.shape().size() != 1) {
      throw new IllegalArgumentException("gradient flow: the loss " + loss + " must have exactly one element");
    }
    Map<String, TreeMap<Integer, List<Node>>> found = new LinkedHashMap<>();
    Map<String, Role> roles = new LinkedHashMap<>();
    for (Node n : g.nodes()) {
      boolean isState = n.name().equals(options.state());
      if (!isState && !options.gates().contains(n.name())) {
        continue;
      }
      StepScope s = StepScope.of(n.scopePath());
      if (!s.inTime()) {
        continue;
      }
      String path = s.folded().isEmpty() ? n.name() : s.folded() + "/" + n.name();
      found.computeIfAbsent(path, k -> new TreeMap<>()).computeIfAbsent(s.step(), k -> new ArrayList<>()).add(n);
      roles.put(path, isState ? Role.STATE : Role.GATE);
    }
    if (!roles.containsValue(Role.STATE)) {
      throw new IllegalArgumentException("gradient flow: no node named '" + options.state()
          + "' inside a time step (t=K scope) of the graph; name the hidden state, or set FlowOptions.withState");
    }
    BackwardOptions probe = BackwardOptions.defaults().withRetainGrads(true).withAccumulateIntoParameters(false);

    List<Series> jacobians = new ArrayList<>();
    if (options.probes() > 0) {
      RandomGenerator rng = new Well19937c(options.seed());
      for (Map.Entry<String, TreeMap<Integer, List<Node>>> e : found.entrySet()) {
        if (roles.get(e.getKey()) == Role.STATE) {
          jacobians.add(new Series(e.getKey(), Role.JACOBIAN, jacobian(g, e.getValue(), options.probes(), rng, probe)));
        }
      }
    }

    g.zeroNodeGrads();
    g.backward(loss, Tensors.ones(loss.shape()), probe);
    List<Series> out = new ArrayList<>();
    for (Map.Entry<String, TreeMap<Integer, List<Node>>> e : found.entrySet()) {
      SortedMap<Integer, Double> norms = new TreeMap<>();
      e.getValue().forEach((t, nodes) -> norms.put(t, Math.sqrt(squaredGradNorm(nodes))));
      out.add(new Series(e.getKey(), roles.get(e.getKey()), norms));
    }
    out.addAll(jacobians);
    return new GradientFlow(loss.toString(), options.probes(), out);
  }

  /** sqrt(mean ‖vᵀ·∂h_T/∂h_t‖²) over Gaussian v, per step t ≤ T, where T is the series' last step. */
  private static SortedMap<Integer, Double> jacobian(Graph g, TreeMap<Integer, List<Node>> steps, int probes,
      RandomGenerator rng, BackwardOptions probe) {
    List<Node> lastStep = steps.lastEntry().getValue();
    Node last = lastStep.get(lastStep.size() - 1);
    double[] sums = new double[steps.size()];
    for (int k = 0; k < probes; k++) {
      g.zeroNodeGrads();
      Tensor v = Tensors.normal(rng, last.shape(), 0, 1);
      g.backward(last, v, probe);
      int i = 0;
      for (List<Node> nodes : steps.values()) {
        sums[i++] += squaredGradNorm(nodes);
      }
    }
    SortedMap<Integer, Double> norms = new TreeMap<>();
    int i = 0;
    for (int t : steps.keySet()) {
      norms.put(t, Math.sqrt(sums[i++] / probes));
    }
    return norms;
  }

  private static double squaredGradNorm(List<Node> nodes) {
    double ss = 0;
    for (Node n : nodes) {
      if (n.hasGrad()) {
        double norm = TensorSummary.of(n.grad()).norm();
        ss += norm * norm;
      }
    }
    return ss;
  }

  /** The series in order: states and gates in order of first appearance on the tape, then the Jacobian estimates. */
  public List<Series> series() {
    return series;
  }

  /** The series with this path and role. */
  public Optional<Series> series(String path, Role role) {
    return series.stream().filter(s -> s.path().equals(path) && s.role() == role).findFirst();
  }

  /** Every time step that any series covers, ascending. */
  public List<Integer> steps() {
    TreeSet<Integer> all = new TreeSet<>();
    series.forEach(s -> all.addAll(s.norms().keySet()));
    return List.copyOf(all);
  }

  /** A table for terminals: one row per time step, one column per series. */
  public String toText() {
    StringBuilder sb = new StringBuilder("gradient flow from ").append(loss).append(", ")
        .append(steps().size()).append(" steps");
    if (probes > 0) {
      sb.append("; ‖∂h_T/∂h_t‖ is a Frobenius norm estimated with ").append(probes).append(" random projections");
    }
    sb.append('\n');
    List<String> head = new ArrayList<>(List.of("t"));
    series.forEach(s -> head.add(s.heading()));
    Table table = new Table(head, 0);
    for (int t : steps()) {
      List<String> row = new ArrayList<>(List.of(String.valueOf(t)));
      series.forEach(s -> row.add(s.norms().containsKey(t) ? Format.number(s.norms().get(t)) : "-"));
      table.row(row);
    }
    return sb.append(table.text("  ")).toString();
  }

  /** The same table as CSV: header {@code t,<headings>}, full-precision numbers, empty cells for missing steps. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("t");
    series.forEach(s -> sb.append(',').append(csvField(s.heading())));
    sb.append('\n');
    for (int t : steps()) {
      sb.append(t);
      series.forEach(s -> sb.append(',').append(s.norms().containsKey(t) ? String.valueOf(s.norms().get(t)) : ""));
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Writes {@link #toCsv()} atomically. */
  public void writeCsv(Path file) throws IOException {
    AtomicFiles.writeText(file, w -> w.write(toCsv()));
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  @Override
  public String toString() {
    return toText();
  }
}
