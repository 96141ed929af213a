package dev.unfold.nn.cell;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.GruUpdate;
import dev.unfold.nn.param.Params;
import java.util.List;
import java.util.Optional;

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
 * functions, not reparameterisations.
 *
 * <p>By default the PyTorch form's element-wise part is one fused op ({@link GruUpdate}: the
 * node {@code h} has op {@code gru_update}) on {@code x·W + b} and
 * {@code h·U + b_h}. With {@link Options#withFusedUpdate withFusedUpdate(false)}, on a graph with
 * {@link Graph#setFusedOps fused ops off}, and always in the textbook form (its reset gate feeds a
 * matmul, so the update is not one element-wise op) the step is built from primitives, with
 * nodes named {@code reset_gate}, {@code update_gate}, {@code candidate}, {@code h}. Both give the
 * same values and gradients up to rounding.
 */
public final class GruCell implements RecurrentCell {
  /** Which published GRU. */
  public enum Variant { TEXTBOOK, PYTORCH }

  /** Settings: the variant, how gate weights are stored, and whether the update is one fused op. */
  public record Options(Variant variant, GateParams.Layout layout, GateParams.Inits inits, boolean fusedUpdate) {
    public static Options defaults() {
      return new Options(Variant.PYTORCH, GateParams.Layout.FUSED, GateParams.Inits.defaults(), true);
    }

    public Options withVariant(Variant v) { return new Options(v, layout, inits, fusedUpdate); }
    public Options withLayout(GateParams.Layout l) { return new Options(variant, l, inits, fusedUpdate); }
    public Options withInits(GateParams.Inits i) { return new Options(variant, layout, i, fusedUpdate); }
    /**
     * One {@link GruUpdate} op per step (true, the default; the PyTorch form only), or the
     * composite of primitives with a named node per gate (false).
     */
    public Options withFusedUpdate(boolean f) { return new Options(variant, layout, inits, f); }
  }

  private final GateParams gates;
  private final Variant variant;
  private final boolean fusedUpdate;

  public GruCell(Params p, int in, int hid) {
    this(p, in, hid, Options.defaults());
  }

  public GruCell(Params p, int in, int hid, Options options) {
    this.variant = options.variant();
    this.fusedUpdate = options.fusedUpdate() && variant == Variant.PYTORCH;
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
    if (gates.layout() == GateParams.Layout.FUSED || fused(g)) {
      return fromProjected(g, gates.inputAll(g, x), prev);
    }
    return fromGates(g, gates.input(g, x), prev);
  }

  @Override
  public Optional<InputProjection> inputProjection() {
    return gates.projection(this::fromProjected);
  }

  private boolean fused(Graph g) {
    return fusedUpdate && g.isFusedOps();
  }

  /** A step from {@code x·W + b} for all gates [B×3·hid]. */
  private State fromProjected(Graph g, Node xPre, State prev) {
    Node h = prev.h();
    if (fused(g)) {
      // The fused op's output is h' itself: named h (its op column reads gru_update), no copy.
      return State.of(g.apply(new GruUpdate(), xPre, gates.hiddenAll(g, h), h).named("h"));
    }
    return fromGates(g, gates.perGate(xPre), prev);
  }

  /** A step built from primitives, from the per-gate input pre-activations. */
  private State fromGates(Graph g, List<Node> xs, State prev) {
    Node h = prev.h();
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
