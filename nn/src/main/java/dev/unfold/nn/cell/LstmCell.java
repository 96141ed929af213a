package dev.unfold.nn.cell;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.op.LstmUpdate;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import java.util.List;
import java.util.Optional;

/**
 * Long short-term memory (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al.
 * 2000), batch-major, gates stored in PyTorch's order i, f, g, o:
 * <pre>
 * i  = σ(x·W_i + h·U_i + b_i [+ p_i⊙c])      input (update) gate
 * f  = σ(x·W_f + h·U_f + b_f [+ p_f⊙c])      forget gate
 * g  = tanh(x·W_g + h·U_g + b_g)              candidate
 * c' = f⊙c + i⊙g                              cell state
 * o  = σ(x·W_o + h·U_o + b_o [+ p_o⊙c'])     output gate
 * h' = o⊙tanh(c')
 * </pre>
 * The bracketed peephole terms (Gers and Schmidhuber 2000; diagonal weights p [hid]) are
 * optional. State: {@code (h, c)}.
 *
 * <p>By default the element-wise part of a step is one fused op ({@link LstmUpdate}, node
 * {@code lstm_update}) on the two halves of the pre-activations, {@code x·W + b} and
 * {@code h·U} [B×4H], which the op adds itself (no [B×4H] sum node per step); its output
 * h' ‖ c' is sliced into nodes named {@code h} and {@code c}. With
 * {@link Options#withFusedUpdate withFusedUpdate(false)}, on a graph with
 * {@link Graph#setFusedOps fused ops off}, and always with peepholes (they need c' between the
 * gates) the step is built from primitives instead,
 * with nodes named {@code input_gate}, {@code forget_gate}, {@code candidate}, {@code output_gate},
 * {@code c}, {@code h}. Both give the same values and gradients up to rounding.
 */
public final class LstmCell implements RecurrentCell {
  /** Settings: weight layout, peepholes, the forget-gate bias, PyTorch's second bias, the fused update. */
  public record Options(GateParams.Layout layout, boolean peephole, double forgetBias, boolean hiddenBias,
      GateParams.Inits inits, boolean fusedUpdate) {
    /** Fused gates, no peepholes, forget bias 0 (as PyTorch), one bias, fused update. */
    public static Options defaults() {
      return new Options(GateParams.Layout.FUSED, false, 0.0, false, GateParams.Inits.defaults(), true);
    }

    public Options withLayout(GateParams.Layout l) { return new Options(l, peephole, forgetBias, hiddenBias, inits, fusedUpdate); }
    public Options withPeephole(boolean p) { return new Options(layout, p, forgetBias, hiddenBias, inits, fusedUpdate); }
    /** Initial forget-gate bias; 1 keeps memory early in training (Jozefowicz et al. 2015). */
    public Options withForgetBias(double b) { return new Options(layout, peephole, b, hiddenBias, inits, fusedUpdate); }
    public Options withHiddenBias(boolean b) { return new Options(layout, peephole, forgetBias, b, inits, fusedUpdate); }
    public Options withInits(GateParams.Inits i) { return new Options(layout, peephole, forgetBias, hiddenBias, i, fusedUpdate); }
    /**
     * One {@link LstmUpdate} op per step (true, the default; ignored with peepholes), or the
     * composite of primitives with a named node per gate (false).
     */
    public Options withFusedUpdate(boolean f) { return new Options(layout, peephole, forgetBias, hiddenBias, inits, f); }
  }

  private final GateParams gates;
  private final Parameter pi;
  private final Parameter pf;
  private final Parameter po;
  private final boolean fusedUpdate;

  public LstmCell(Params p, int in, int hid) {
    this(p, in, hid, Options.defaults());
  }

  public LstmCell(Params p, int in, int hid, Options o) {
    GateParams.Inits inits = o.inits();
    java.util.function.Function<String, Init> bias = inits.bias();
    inits = inits.withBias(gate -> gate.equals("f") && o.forgetBias() != 0 ? Init.constant(o.forgetBias()) : bias.apply(gate));
    this.gates = new GateParams(p, List.of("i", "f", "g", "o"), in, hid, o.layout(), o.hiddenBias(), inits);
    this.fusedUpdate = o.fusedUpdate() && !o.peephole();
    if (o.peephole()) {
      pi = p.create("p_i", Shape.of(hid), Init.zeros());
      pf = p.create("p_f", Shape.of(hid), Init.zeros());
      po = p.create("p_o", Shape.of(hid), Init.zeros());
    } else {
      pi = pf = po = null;
    }
  }

  public GateParams gates() {
    return gates;
  }

  @Override public int inputSize() { return gates.inputSize(); }
  @Override public List<Integer> stateSizes() { return List.of(gates.hiddenSize(), gates.hiddenSize()); }

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

  /** A step from {@code x·W + b} for all gates [B×4·hid]. */
  private State fromProjected(Graph g, Node xPre, State prev) {
    if (fused(g)) {
      int hid = gates.hiddenSize();
      Node hc = g.apply(new LstmUpdate(), xPre, gates.hiddenAll(g, prev.h()), prev.part(1)).named("lstm_update");
      return State.of(hc.slice(1, 0, hid).named("h"), hc.slice(1, hid, 2 * hid).named("c"));
    }
    return fromGates(g, gates.perGate(xPre), prev);
  }

  /** A step built from primitives, from the per-gate input pre-activations. */
  private State fromGates(Graph g, List<Node> xs, State prev) {
    Node h = prev.h();
    Node c = prev.part(1);
    List<Node> hs = gates.hidden(g, h);
    Node i = peep(g, xs.get(0).add(hs.get(0)), pi, c).sigmoid().named("input_gate");
    Node f = peep(g, xs.get(1).add(hs.get(1)), pf, c).sigmoid().named("forget_gate");
    Node cand = xs.get(2).add(hs.get(2)).tanh().named("candidate");
    Node c2 = f.mul(c).add(i.mul(cand)).named("c");
    Node o = peep(g, xs.get(3).add(hs.get(3)), po, c2).sigmoid().named("output_gate");
    Node h2 = o.mul(c2.tanh()).named("h");
    return State.of(h2, c2);
  }

  private static Node peep(Graph g, Node pre, Parameter p, Node c) {
    return p == null ? pre : pre.add(g.param(p).mul(c));
  }
}
