package dev.unfold.nn.cell;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.param.Params;
import java.util.List;

/**
 * Gated recurrent unit (Cho et al. 2014) in either published form, batch-major: x [B×in],
 * h [B×hid]. Gates are stored in the order r, z, n (PyTorch's).
 *
 * <p>{@link Variant#TEXTBOOK} (Cho et al.; Ng's course notation with Γ):
 * <pre>
 * r  = σ(x·W_r + h·U_r + b_r)              reset gate   Γr
 * u  = σ(x·W_z + h·U_z + b_z)              update gate  Γu
 * c~ = tanh(x·W_n + (r⊙h)·U_n + b_n)      candidate: the reset gate multiplies h BEFORE the matmul
 * h' = u⊙c~ + (1 − u)⊙h                    the update gate weighs the CANDIDATE
 * </pre>
 * {@link Variant#PYTORCH} (torch.nn.GRU, cuDNN):
 * <pre>
 * r  = σ(x·W_r + b_r + h·U_r + b_hr)
 * z  = σ(x·W_z + b_z + h·U_z + b_hz)
 * n  = tanh(x·W_n + b_n + r⊙(h·U_n + b_hn))   the reset gate multiplies AFTER the matmul, with its own bias b_hn
 * h' = (1 − z)⊙n + z⊙h                          the update gate weighs the OLD STATE
 * </pre>
 * So a gate value z in one form plays the role of 1 − u in the other; the two are different
 * functions, not reparameterisations. Nodes are named {@code reset_gate}, {@code update_gate},
 * {@code candidate}, {@code h}.
 */
public final class GruCell implements RecurrentCell {
  /** Which published GRU. */
  public enum Variant { TEXTBOOK, PYTORCH }

  /** Settings: the variant and how gate weights are stored. */
  public record Options(Variant variant, GateParams.Layout layout, GateParams.Inits inits) {
    public static Options defaults() {
      return new Options(Variant.PYTORCH, GateParams.Layout.FUSED, GateParams.Inits.defaults());
    }

    public Options withVariant(Variant v) { return new Options(v, layout, inits); }
    public Options withLayout(GateParams.Layout l) { return new Options(variant, l, inits); }
    public Options withInits(GateParams.Inits i) { return new Options(variant, layout, i); }
  }

  private final GateParams gates;
  private final Variant variant;

  public GruCell(Params p, int in, int hid) {
    this(p, in, hid, Options.defaults());
  }

  public GruCell(Params p, int in, int hid, Options options) {
    this.variant = options.variant();
    this.gates = new GateParams(p, List.of("r", "z", "n"), in, hid, options.layout(),
        variant == Variant.PYTORCH, options.inits());
  }

  public Variant variant() {
    return variant;
  }

  public GateParams gates() {
    return gates;
  }

  @Override public int inputSize() { return gates.inputSize(); }
  @Override public List<Integer> stateSizes() { return List.of(gates.hiddenSize()); }

  @Override
  public State step(Graph g, Node x, State prev) {
    Node h = prev.h();
    List<Node> xs = gates.input(g, x);
    if (variant == Variant.PYTORCH) {
      List<Node> hs = gates.hidden(g, h);
      Node r = xs.get(0).add(hs.get(0)).sigmoid().named("reset_gate");
      Node z = xs.get(1).add(hs.get(1)).sigmoid().named("update_gate");
      Node n = xs.get(2).add(r.mul(hs.get(2))).tanh().named("candidate");
      return State.of(n.add(z.mul(h.sub(n))).named("h"));  // (1 − z)⊙n + z⊙h
    }
    List<Node> hs = gates.hidden(g, h, 0, 2);
    Node r = xs.get(0).add(hs.get(0)).sigmoid().named("reset_gate");
    Node u = xs.get(1).add(hs.get(1)).sigmoid().named("update_gate");
    Node c = xs.get(2).add(gates.hidden(g, r.mul(h), 2, 3).get(0)).tanh().named("candidate");
    return State.of(h.add(u.mul(c.sub(h))).named("h"));  // u⊙c~ + (1 − u)⊙h
  }

  @Override
  public String name() {
    return "GruCell(" + variant.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
