package dev.unfold.examples.charlm;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * The custom cell of {@code --cell mgu}: the minimal gated unit (Zhou et al. 2016), written as a
 * user would write any cell — about a dozen lines — and trained exactly like the built-in ones.
 * <pre>
 * f  = σ(x·W_f + h·U_f + b_f)
 * h~ = tanh(x·W_h + (f⊙h)·U_h + b_h)
 * h' = (1 − f)⊙h + f⊙h~
 * </pre>
 */
public final class MinimalGatedUnit implements RecurrentCell {
  private final Parameter wf, uf, bf, wh, uh, bh;

  public MinimalGatedUnit(Params p, int in, int hid) {
    wf = p.create("W_f", Shape.of(in, hid), Init.xavierUniform());
    uf = p.create("U_f", Shape.of(hid, hid), Init.orthogonal());
    bf = p.create("b_f", Shape.of(hid), Init.zeros());
    wh = p.create("W_h", Shape.of(in, hid), Init.xavierUniform());
    uh = p.create("U_h", Shape.of(hid, hid), Init.orthogonal());
    bh = p.create("b_h", Shape.of(hid), Init.zeros());
  }

  @Override public int inputSize() { return wf.shape().dim(0); }
  @Override public List<Integer> stateSizes() { return List.of(wf.shape().dim(1)); }

  @Override
  public State step(Graph g, Node x, State prev) {
    Node h = prev.h();
    Node f = x.matmul(g.param(wf)).add(h.matmul(g.param(uf))).add(g.param(bf)).sigmoid().named("forget_gate");
    Node candidate = x.matmul(g.param(wh)).add(f.mul(h).matmul(g.param(uh))).add(g.param(bh)).tanh().named("candidate");
    return State.of(h.add(f.mul(candidate.sub(h))).named("h"));
  }
}
