package dev.unfold.nn.cell;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The weights of a cell's k gates, {@code x·W_g + b_g} and {@code h·U_g (+ b_h,g)}, held either
 * fused, one matrix for all gates as PyTorch stores them ({@code W} [in × k·hid], {@code U}
 * [hid × k·hid], {@code b} [k·hid], optional {@code b_h} [k·hid]; one matmul computes every
 * gate), or separate per gate ({@code W_f}, {@code U_f}, {@code b_f}, …). Either way callers get
 * one pre-activation node per gate, so gate nodes look the same in dumps.
 */
public final class GateParams {
  /** How gate weights are stored. */
  public enum Layout {
    /** One matrix for all gates, gates side by side in the given order (PyTorch's layout). */
    FUSED,
    /** One matrix per gate. */
    SEPARATE
  }

  /** Initialisers of the three kinds of weight. */
  public record Inits(Init input, Init recurrent, Function<String, Init> bias) {
    /** Xavier-uniform input weights, orthogonal recurrent weights, zero biases. */
    public static Inits defaults() {
      return new Inits(Init.xavierUniform(), Init.orthogonal(), gate -> Init.zeros());
    }

    public Inits withBias(Function<String, Init> perGate) {
      return new Inits(input, recurrent, perGate);
    }
  }

  private final List<String> gates;
  private final int in;
  private final int hid;
  private final Layout layout;
  private final List<Parameter> w = new ArrayList<>();
  private final List<Parameter> u = new ArrayList<>();
  private final List<Parameter> b = new ArrayList<>();
  private final List<Parameter> bh = new ArrayList<>();

  /**
   * Creates the weights under {@code p}.
   *
   * @param hiddenBias also create the recurrent bias {@code b_h} (PyTorch has both {@code bias_ih}
   *     and {@code bias_hh}; its GRU needs {@code b_hn} on its own)
   */
  public GateParams(Params p, List<String> gates, int in, int hid, Layout layout, boolean hiddenBias, Inits inits) {
    Preconditions.checkArgument(!gates.isEmpty() && in > 0 && hid > 0, "gates %s, input %s, hidden %s", gates, in, hid);
    this.gates = List.copyOf(gates);
    this.in = in;
    this.hid = hid;
    this.layout = layout;
    int k = gates.size();
    if (layout == Layout.FUSED) {
      w.add(p.create("W", Shape.of(in, k * hid), inits.input()));
      u.add(p.create("U", Shape.of(hid, k * hid), inits.recurrent()));
      b.add(p.create("b", Shape.of(k * hid), perGateConcat(inits.bias())));
      if (hiddenBias) {
        bh.add(p.create("b_h", Shape.of(k * hid), Init.zeros()));
      }
    } else {
      for (String gate : gates) {
        w.add(p.create("W_" + gate, Shape.of(in, hid), inits.input()));
        u.add(p.create("U_" + gate, Shape.of(hid, hid), inits.recurrent()));
        b.add(p.create("b_" + gate, Shape.of(hid), inits.bias().apply(gate)));
        if (hiddenBias) {
          bh.add(p.create("b_h_" + gate, Shape.of(hid), Init.zeros()));
        }
      }
    }
  }

  private Init perGateConcat(Function<String, Init> bias) {
    return (rng, s) -> {
      List<Tensor> parts = new ArrayList<>();
      for (String gate : gates) {
        parts.add(bias.apply(gate).create(rng, Shape.of(hid)));
      }
      return Tensor.concat(0, parts);
    };
  }

  public List<String> gates() {
    return gates;
  }

  public Layout layout() {
    return layout;
  }

  public int inputSize() {
    return in;
  }

  public int hiddenSize() {
    return hid;
  }

  /** {@code x·W_g + b_g} for every gate, in gate order. */
  public List<Node> input(Graph g, Node x) {
    if (layout == Layout.FUSED) {
      return split(x.matmulAdd(g.param(w.get(0)), g.param(b.get(0))), 0, gates.size());
    }
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < gates.size(); i++) {
      out.add(x.matmulAdd(g.param(w.get(i)), g.param(b.get(i))));
    }
    return out;
  }

  /**
   * {@code x·W + b} for all gates side by side [B × k·hid], in gate order: one node with fused
   * weights, the per-gate products joined with separate ones. For the fused element-wise updates,
   * which take this and {@link #hiddenAll} as separate inputs.
   */
  public Node inputAll(Graph g, Node x) {
    if (layout == Layout.FUSED) {
      return x.matmulAdd(g.param(w.get(0)), g.param(b.get(0)));
    }
    return g.concat(1, input(g, x));
  }

  /** {@code h·U (+ b_h)} for all gates side by side [B × k·hid], as {@link #inputAll}. */
  public Node hiddenAll(Graph g, Node h) {
    if (layout == Layout.FUSED) {
      Node uNode = g.param(u.get(0));
      return bh.isEmpty() ? h.matmul(uNode) : h.matmulAdd(uNode, g.param(bh.get(0)));
    }
    return g.concat(1, hidden(g, h));
  }

  /**
   * {@code addend + h·U (+ b_h)} for all gates side by side [B × k·hid]: with fused weights and no
   * {@code b_h}, one {@code matmul_add} node whose products start from the addend (a step's
   * projected input), so no separate sum is formed.
   */
  public Node hiddenAllPlus(Graph g, Node h, Node addend) {
    if (layout == Layout.FUSED && bh.isEmpty()) {
      return h.matmulAdd(g.param(u.get(0)), addend);
    }
    return addend.add(hiddenAll(g, h));
  }

  /** {@code h·U_g (+ b_h,g)} for every gate. */
  public List<Node> hidden(Graph g, Node h) {
    return hidden(g, h, 0, gates.size());
  }

  /** {@code h·U_g (+ b_h,g)} for the gates {@code [from, to)}; fused weights use one matmul for them all. */
  public List<Node> hidden(Graph g, Node h, int from, int to) {
    Preconditions.checkArgument(0 <= from && from < to && to <= gates.size(), "gate range [%s, %s)", from, to);
    if (layout == Layout.FUSED) {
      Node uNode = g.param(u.get(0));
      if (from != 0 || to != gates.size()) {
        uNode = uNode.slice(1, from * hid, to * hid);
      }
      Node pre;
      if (bh.isEmpty()) {
        pre = h.matmul(uNode);
      } else {
        Node bNode = g.param(bh.get(0));
        pre = h.matmulAdd(uNode, from != 0 || to != gates.size() ? bNode.slice(0, from * hid, to * hid) : bNode);
      }
      return split(pre, from, to);
    }
    List<Node> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Node uNode = g.param(u.get(i));
      out.add(bh.isEmpty() ? h.matmul(uNode) : h.matmulAdd(uNode, g.param(bh.get(i))));
    }
    return out;
  }

  /** The per-gate pre-activations of {@link #inputAll}'s result for one step [B × k·hid], in gate order. */
  public List<Node> perGate(Node all) {
    return split(all, 0, gates.size());
  }

  /** The rest of a step given its projected input {@code x·W + b} [B × k·hid]. */
  @FunctionalInterface
  public interface ProjectedStep {
    State step(Graph g, Node projected, State prev);
  }

  /**
   * The input projection of a cell built on these gates ({@link RecurrentCell#inputProjection()}):
   * {@link #inputAll} over any leading axes, followed by {@code step}. Empty for separate weights,
   * whose per-gate products gain nothing from being joined.
   */
  public Optional<RecurrentCell.InputProjection> projection(ProjectedStep step) {
    if (layout != Layout.FUSED) {
      return Optional.empty();
    }
    return Optional.of(new RecurrentCell.InputProjection() {
      @Override public Node apply(Graph g, Node inputs) {
        return inputAll(g, inputs);
      }

      @Override public int width() {
        return gates.size() * hid;
      }

      @Override public State step(Graph g, Node projected, State prev) {
        return step.step(g, projected, prev);
      }
    });
  }

  private List<Node> split(Node fused, int from, int to) {
    if (to - from == 1) {
      return List.of(fused);
    }
    int[] sizes = new int[to - from];
    java.util.Arrays.fill(sizes, hid);
    return fused.split(1, sizes);
  }

  /** Every parameter, input weights first. */
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>(w);
    all.addAll(u);
    all.addAll(b);
    all.addAll(bh);
    return all;
  }
}
