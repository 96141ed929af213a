package dev.unfold.nn.cell;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * A user-written cell, as the README shows one: the minimal gated unit (Zhou et al. 2016), one
 * forget gate and a candidate. It gets unrolling, BPTT, bidirectionality, stacking and masking
 * with no other code.
 */
final class MinimalGatedUnit implements RecurrentCell {
  private final Parameter wf, uf, bf, wh, uh, bh;

  MinimalGatedUnit(Params p, int in, int hid) {
    wf = p.create("W_f", Shape.of(in, hid), Init.xavierUniform());
    uf = p.create("U_f", Shape.of(hid, hid), Init.orthogonal());
    bf = p.create("b_f", Shape.of(hid), Init.constant(1));
    wh = p.create("W_h", Shape.of(in, hid), Init.xavierUniform());
    uh = p.create("U_h", Shape.of(hid, hid), Init.orthogonal());
    bh = p.create("b_h", Shape.of(hid), Init.zeros());
  }

  @Override public int inputSize() { return wf.shape().dim(0); }
  @Override public List<Integer> stateSizes() { return List.of(wf.shape().dim(1)); }

  @Override public State step(Graph g, Node x, State prev) {
    Node h = prev.h();
    Node f = x.matmul(g.param(wf)).add(h.matmul(g.param(uf))).add(g.param(bf)).sigmoid().named("forget_gate");
    Node cand = x.matmul(g.param(wh)).add(f.mul(h).matmul(g.param(uh))).add(g.param(bh)).tanh().named("candidate");
    return State.of(h.add(f.mul(cand.sub(h))).named("h"));
  }
}
