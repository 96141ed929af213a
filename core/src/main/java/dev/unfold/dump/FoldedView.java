package dev.unfold.dump;

import dev.unfold.graph.Node;
import dev.unfold.graph.TimeStep;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.TensorSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An unrolled graph folded back into one copy of its recurrent cell, derived from the scopes
 * alone: the textbook's folded diagram.
 *
 * <p>Rules. A node's time step is the innermost {@link TimeStep} segment of its scope
 * ({@code rnn/t=2} is step 2 of the time axis {@code rnn}). Nodes whose scopes differ only in
 * that segment merge when they have the same label (name, or op when unnamed) and op; unnamed
 * nodes with the same label are matched by their order of creation within their step. An edge
 * between two steps of the same time axis becomes one recurrent edge whose delay is the step
 * difference, labelled with the source's label, for example {@code h(t−1)}; every other edge
 * (within a step, or from parameters and constants outside the time steps) appears once.
 * Nodes outside time steps stay as they are, and so do parameters, wherever their leaf was made.
 */
public final class FoldedView {
  /**
   * One node of the folded cell.
   *
   * @param index position in {@link #nodes()}
   * @param path the scope path with its time-step segment removed, then the label: the identity
   *     shared by every step, for example {@code lstm/forget_gate}
   * @param scope where the node is drawn: its scope with the time-step segment written
   *     {@code t=*}, for example {@code lstm/t=*}
   * @param label name, or op when unnamed
   * @param op op name
   * @param kind node kind
   * @param steps the time steps merged into this node, ascending; empty outside time steps
   * @param members ids of the merged graph nodes
   * @param shapes the distinct shapes of the members, in order of appearance
   * @param value the members' value summaries merged; empty when a member has none
   * @param grad the gradient summaries of the members that have one, merged
   */
  public record FoldedNode(int index, String path, String scope, String label, String op, Node.Kind kind,
      List<Integer> steps, List<Integer> members, List<Shape> shapes, Optional<TensorSummary> value,
      Optional<TensorSummary> grad) {}

  /**
   * One folded edge.
   *
   * @param from index of the source node
   * @param to index of the target node
   * @param delay target step minus source step on a shared time axis; 0 for an ordinary edge
   * @param label for a recurrent edge the source's label with its delay, such as {@code c(t−1)};
   *     empty otherwise
   */
  public record FoldedEdge(int from, int to, int delay, String label) {
    /** True for an edge that crosses time steps. */
    public boolean recurrent() {
      return delay != 0;
    }
  }

  private final List<FoldedNode> nodes;
  private final List<FoldedEdge> edges;

  private FoldedView(List<FoldedNode> nodes, List<FoldedEdge> edges) {
    this.nodes = List.copyOf(nodes);
    this.edges = List.copyOf(edges);
  }

  /** Folds every node of {@code snapshot}. */
  public static FoldedView of(GraphSnapshot snapshot) {
    return of(snapshot, DumpOptions.defaults());
  }

  /** Folds the nodes of {@code snapshot} that {@code options} select. */
  public static FoldedView of(GraphSnapshot snapshot, DumpOptions options) {
    Map<String, Builder> builders = new LinkedHashMap<>();
    Map<String, Integer> occurrences = new HashMap<>();
    Map<Integer, Builder> owner = new HashMap<>();
    Map<Integer, StepScope> places = new HashMap<>();
    for (DumpNode n : snapshot.selected(options)) {
      // A parameter leaf is made in whichever step first used it, yet it is shared by all.
      StepScope p = n.isParameter() ? StepScope.outsideTime(n.scope()) : StepScope.of(n.scope());
      int occurrence = occurrences.merge(n.scope() + '\n' + n.label() + '\n' + n.op(), 1, Integer::sum) - 1;
      String key = p.folded() + '\n' + n.label() + '\n' + n.op() + '\n' + occurrence;
      Builder b = builders.computeIfAbsent(key, k -> new Builder(builders.size(), p, n));
      b.add(n, p.step());
      owner.put(n.id(), b);
      places.put(n.id(), p);
    }
    Map<List<Integer>, FoldedEdge> edges = new LinkedHashMap<>();
    for (DumpNode n : snapshot.selected(options)) {
      StepScope to = places.get(n.id());
      for (int in : n.inputs()) {
        Builder source = owner.get(in);
        if (source == null) {
          continue;  // filtered out
        }
        StepScope from = places.get(in);
        boolean sameAxis = from.inTime() && to.inTime() && from.axis().equals(to.axis());
        int delay = sameAxis ? to.step() - from.step() : 0;
        int target = owner.get(n.id()).index;
        String label = delay == 0 ? "" : source.label + "(t" + (delay > 0 ? "−" : "+") + Math.abs(delay) + ")";
        edges.putIfAbsent(List.of(source.index, target, delay), new FoldedEdge(source.index, target, delay, label));
      }
    }
    return new FoldedView(builders.values().stream().map(Builder::build).toList(), new ArrayList<>(edges.values()));
  }

  /** The folded nodes, in order of first appearance on the tape. */
  public List<FoldedNode> nodes() {
    return nodes;
  }

  /** The folded edges, in order of first appearance, each (source, target, delay) once. */
  public List<FoldedEdge> edges() {
    return edges;
  }

  private static final class Builder {
    final int index;
    final StepScope place;
    final DumpNode first;
    final String label;
    final LinkedHashSet<Integer> steps = new LinkedHashSet<>();
    final List<Integer> members = new ArrayList<>();
    final LinkedHashSet<Shape> shapes = new LinkedHashSet<>();
    TensorSummary value;
    boolean valueMissing;
    TensorSummary grad;

    Builder(int index, StepScope place, DumpNode first) {
      this.index = index;
      this.place = place;
      this.first = first;
      this.label = first.label();
    }

    void add(DumpNode n, int step) {
      if (step >= 0) {
        steps.add(step);
      }
      members.add(n.id());
      shapes.add(n.shape());
      if (n.value().isEmpty()) {
        valueMissing = true;
      } else {
        value = value == null ? n.value().get() : value.merge(n.value().get());
      }
      n.grad().ifPresent(g -> grad = grad == null ? g : grad.merge(g));
    }

    FoldedNode build() {
      String path = place.folded().isEmpty() ? label : place.folded() + "/" + label;
      return new FoldedNode(index, path, place.drawn(), label, first.op(), first.kind(),
          steps.stream().sorted().toList(), members, List.copyOf(shapes),
          valueMissing ? Optional.empty() : Optional.ofNullable(value), Optional.ofNullable(grad));
    }
  }
}
