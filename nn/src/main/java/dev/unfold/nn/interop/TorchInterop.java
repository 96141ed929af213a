package dev.unfold.nn.interop;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.cell.ElmanCell;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Activation;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Bidirectional;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq.Stacked;
import dev.unfold.nn.seq.Unidirectional;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A recurrent layer built from weights laid out as PyTorch's {@code nn.RNN}, {@code nn.GRU} and
 * {@code nn.LSTM} hold them ({@code weight_ih_l{k}}, {@code weight_hh_l{k}}, {@code bias_ih_l{k}},
 * {@code bias_hh_l{k}}, with the {@code _reverse} suffix for the backward direction; gates stacked
 * i, f, g, o for LSTM and r, z, n for GRU), so a model trained there runs here with the same
 * outputs, and whose gradients are reported under the same names.
 *
 * <p>Runs time-major [T×B×input] like PyTorch's default ({@code batch_first=False}). Our cells
 * compute {@code x·W} with W [in×gates·hid], so PyTorch's {@code weight_ih} [gates·hid×in] is
 * transposed on load and its gradient transposed back.
 */
public final class TorchInterop {
  /** The PyTorch module. */
  public enum Mode { RNN_TANH, RNN_RELU, GRU, LSTM }

  private final Mode mode;
  private final int hidden;
  private final int layers;
  private final int directions;
  private final Params params;
  private final SequenceLayer layer;
  /** PyTorch name → (our parameter, whether the value is stored transposed). */
  private final Map<String, Parameter> byTorchName = new LinkedHashMap<>();

  private TorchInterop(Mode mode, int input, int hidden, int layers, boolean bidirectional, Map<String, Tensor> state) {
    if (input < 1 || hidden < 1 || layers < 1) {
      throw new IllegalArgumentException("TorchInterop: input " + input + ", hidden " + hidden + ", layers " + layers);
    }
    this.mode = mode;
    this.hidden = hidden;
    this.layers = layers;
    this.directions = bidirectional ? 2 : 1;
    this.params = Params.seeded(mode.name().toLowerCase(java.util.Locale.ROOT), 0);
    List<SequenceLayer> stack = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      int in = l == 0 ? input : hidden * directions;
      Params lp = params.child("l" + l);
      RecurrentCell fwd = cell(bidirectional ? lp.child("forward") : lp, in, "_l" + l);
      if (bidirectional) {
        RecurrentCell bwd = cell(lp.child("backward"), in, "_l" + l + "_reverse");
        stack.add(new Bidirectional(fwd, bwd, Bidirectional.Merge.CONCAT));
      } else {
        stack.add(new Unidirectional(fwd));
      }
    }
    this.layer = new Stacked(stack);
    load(state);
  }

  /**
   * Builds a layer from a PyTorch state dict.
   *
   * @throws IllegalArgumentException naming the key when one is missing, unexpected or mis-shaped
   */
  public static TorchInterop load(Mode mode, int inputSize, int hiddenSize, int numLayers, boolean bidirectional,
      Map<String, Tensor> stateDict) {
    return new TorchInterop(mode, inputSize, hiddenSize, numLayers, bidirectional, stateDict);
  }

  private RecurrentCell cell(Params p, int in, String suffix) {
    RecurrentCell c = switch (mode) {
      case RNN_TANH -> new ElmanCell(p, in, hidden, Activation.TANH, true);
      case RNN_RELU -> new ElmanCell(p, in, hidden, Activation.RELU, true);
      case GRU -> new GruCell(p, in, hidden);
      case LSTM -> new LstmCell(p, in, hidden, LstmCell.Options.defaults().withHiddenBias(true));
    };
    List<Parameter> ps = switch (mode) {
      case RNN_TANH, RNN_RELU -> ((ElmanCell) c).weights().parameters();
      case GRU -> ((GruCell) c).gates().parameters();
      case LSTM -> ((LstmCell) c).gates().parameters();
    };
    // Fused gate parameters come as W, U, b, b_h.
    byTorchName.put("weight_ih" + suffix, ps.get(0));
    byTorchName.put("weight_hh" + suffix, ps.get(1));
    byTorchName.put("bias_ih" + suffix, ps.get(2));
    byTorchName.put("bias_hh" + suffix, ps.get(3));
    return c;
  }

  private static boolean transposed(String torchName) {
    return torchName.startsWith("weight_");
  }

  private void load(Map<String, Tensor> state) {
    TreeSet<String> unexpected = new TreeSet<>(state.keySet());
    unexpected.removeAll(byTorchName.keySet());
    if (!unexpected.isEmpty()) {
      throw new IllegalArgumentException("TorchInterop " + mode + ": unexpected keys " + unexpected
          + "; expected " + byTorchName.keySet());
    }
    for (Map.Entry<String, Parameter> e : byTorchName.entrySet()) {
      Tensor t = state.get(e.getKey());
      if (t == null) {
        throw new IllegalArgumentException("TorchInterop " + mode + ": missing key " + e.getKey());
      }
      Tensor ours = transposed(e.getKey()) ? checkedTranspose(e.getKey(), t) : t;
      if (!ours.shape().equals(e.getValue().shape())) {
        throw ShapeException.of("TorchInterop %s: %s has shape %s, expected %s", mode, e.getKey(), t.shape(),
            transposed(e.getKey()) ? transpose(e.getValue().shape()) : e.getValue().shape());
      }
      e.getValue().set(ours);
    }
  }

  private static Tensor checkedTranspose(String key, Tensor t) {
    if (t.rank() != 2) {
      throw ShapeException.of("TorchInterop: %s must be a matrix, got %s", key, t.shape());
    }
    return t.transpose();
  }

  private static Shape transpose(Shape s) {
    return Shape.of(s.dim(1), s.dim(0));
  }

  /** The layer, for use like any other. */
  public SequenceLayer layer() {
    return layer;
  }

  /** Our parameters (names like {@code l0/forward/W}); the same objects as behind the PyTorch names. */
  public Params params() {
    return params;
  }

  /**
   * Runs the layer on a time-major [T×B×input] node.
   *
   * @param lengths per-sequence lengths (PyTorch's packed sequence), or null
   * @param h0 initial hidden states [layers·directions×B×hidden] as PyTorch orders them, or null for zeros
   * @param c0 initial LSTM cell states, same layout, or null
   */
  public SequenceLayer.Output run(Graph g, Node input, Lengths lengths, Node h0, Node c0) {
    List<State> initial = null;
    if (h0 != null) {
      initial = new ArrayList<>();
      int cells = layers * directions;
      if (h0.shape().rank() != 3 || h0.shape().dim(0) != cells) {
        throw ShapeException.of("TorchInterop %s: h0 must be [%d×B×%d], got %s", mode, cells, hidden, h0.shape());
      }
      if (mode == Mode.LSTM && c0 == null) {
        throw new IllegalArgumentException("TorchInterop LSTM: h0 given without c0");
      }
      int batch = h0.shape().dim(1);
      for (int i = 0; i < cells; i++) {
        Node h = h0.slice(0, i, i + 1).reshape(batch, hidden);
        initial.add(mode == Mode.LSTM ? State.of(h, c0.slice(0, i, i + 1).reshape(batch, hidden)) : State.of(h));
      }
    }
    return layer.run(g, input, lengths, initial);
  }

  /** Part {@code part} of the final states stacked as PyTorch's {@code h_n} (0) or {@code c_n} (1): [layers·directions×B×hidden]. */
  public static Node stackFinal(Graph g, List<State> finals, int part) {
    List<Node> rows = new ArrayList<>();
    for (State s : finals) {
      Node p = s.part(part);
      rows.add(p.reshape(1, p.shape().dim(0), p.shape().dim(1)));
    }
    return rows.size() == 1 ? rows.get(0) : g.concat(0, rows);
  }

  /** The accumulated gradients under PyTorch's names (both biases, weights transposed back). */
  public Map<String, Tensor> gradients() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    byTorchName.forEach((name, p) -> out.put(name, transposed(name) ? p.grad().transpose() : p.grad()));
    return out;
  }

  /** A {@link Linear} head from PyTorch's {@code weight} [out×in] and {@code bias} [out]. */
  public static Linear linear(Params p, Map<String, Tensor> stateDict) {
    Tensor w = stateDict.get("weight");
    Tensor b = stateDict.get("bias");
    if (w == null || b == null || stateDict.size() != 2) {
      throw new IllegalArgumentException("TorchInterop linear: expected exactly the keys [bias, weight], got "
          + new TreeSet<>(stateDict.keySet()));
    }
    Linear l = new Linear(p, checkedTranspose("weight", w).shape().dim(0), w.shape().dim(0));
    if (!b.shape().equals(l.bias().shape())) {
      throw ShapeException.of("TorchInterop linear: bias has shape %s, expected %s", b.shape(), l.bias().shape());
    }
    l.weight().set(w.transpose());
    l.bias().set(b);
    return l;
  }

  /** A linear head's gradients under PyTorch's names {@code weight} and {@code bias}. */
  public static Map<String, Tensor> linearGradients(Linear l) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("weight", l.weight().grad().transpose());
    out.put("bias", l.bias().grad());
    return out;
  }
}
