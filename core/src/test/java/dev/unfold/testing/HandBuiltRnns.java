package dev.unfold.testing;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.graph.Scope;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Recurrent networks unrolled by hand from plain core ops (the nn module's cells are not used),
 * each step inside {@code g.timeStep(t)} within a named scope, with seeded values.
 */
public final class HandBuiltRnns {
  private HandBuiltRnns() {}

  /** The hidden states of an unrolled network, and its graph. */
  public record Unrolled(Graph graph, List<Node> states) {
    public Node last() {
      return states.get(states.size() - 1);
    }
  }

  /**
   * Elman RNN {@code a_t = tanh(x_t·W_ax + a_{t−1}·W_aa + b_a)} in scope {@code rnn}, batch 1,
   * states named {@code state}; weights uniform in (−scale, scale) (recurrent ones too), inputs in (−1, 1).
   */
  public static Unrolled elman(int steps, int in, int hidden, double scale, String state) {
    return elman(steps, in, hidden, scale, 0, state);
  }

  /** The same with {@code bias} added to every element of b_a (uniform in (−0.1, 0.1) otherwise). */
  public static Unrolled elman(int steps, int in, int hidden, double scale, double bias, String state) {
    Graph g = new Graph();
    Parameter wax = new Parameter("rnn/W_ax", Values.signed(1, in, hidden).scale(scale));
    Parameter waa = new Parameter("rnn/W_aa", Values.signed(2, hidden, hidden).scale(scale));
    Parameter ba = new Parameter("rnn/b_a", Values.signed(3, hidden).scale(0.1).add(Tensors.scalar(bias)));
    List<Node> states = new ArrayList<>();
    try (Scope rnn = g.scope("rnn")) {
      Node wAx = g.param(wax);
      Node wAa = g.param(waa);
      Node b = g.param(ba);
      Node a = g.constant("a0", Tensors.zeros(1, hidden));
      for (int t = 0; t < steps; t++) {
        try (Scope s = g.timeStep(t)) {
          Node x = g.constant("x", Values.signed(100 + t, 1, in));
          a = x.matmul(wAx).add(a.matmul(wAa)).add(b).tanh().named(state);
          states.add(a);
        }
      }
    }
    return new Unrolled(g, states);
  }

  /**
   * LSTM (Hochreiter &amp; Schmidhuber 1997, with a forget gate) in scope {@code lstm}, batch 1:
   * <pre>
   * f = σ(x·W_f + h·U_f + b_f)   forget_gate     i = σ(x·W_i + h·U_i + b_i)   input_gate
   * o = σ(x·W_o + h·U_o + b_o)   output_gate     g = tanh(x·W_g + h·U_g + b_g) candidate
   * c' = f⊙c + i⊙g              c               h' = o⊙tanh(c')               h
   * </pre>
   */
  public static Unrolled lstm(int steps, int in, int hidden) {
    Graph g = new Graph();
    String[] gates = {"forget_gate", "input_gate", "output_gate", "candidate"};
    Node[][] w = new Node[gates.length][];
    List<Node> states = new ArrayList<>();
    try (Scope lstm = g.scope("lstm")) {
      for (int k = 0; k < gates.length; k++) {
        String suffix = gates[k].substring(0, 1);
        w[k] = new Node[] {
          g.param(new Parameter("lstm/W_" + suffix, Values.signed(10 + k, in, hidden).scale(0.5))),
          g.param(new Parameter("lstm/U_" + suffix, Values.signed(20 + k, hidden, hidden).scale(0.5))),
          g.param(new Parameter("lstm/b_" + suffix, Values.signed(30 + k, hidden).scale(0.1)))
        };
      }
      Node h = g.constant("h0", Tensors.zeros(1, hidden));
      Node c = g.constant("c0", Tensors.zeros(1, hidden));
      for (int t = 0; t < steps; t++) {
        try (Scope s = g.timeStep(t)) {
          Node x = g.constant("x", Values.signed(200 + t, 1, in));
          Node[] z = new Node[gates.length];
          for (int k = 0; k < gates.length; k++) {
            Node pre = x.matmul(w[k][0]).add(h.matmul(w[k][1])).add(w[k][2]);
            z[k] = (k == 3 ? pre.tanh() : pre.sigmoid()).named(gates[k]);
          }
          c = z[0].mul(c).add(z[1].mul(z[3])).named("c");
          h = z[2].mul(c.tanh()).named("h");
          states.add(h);
        }
      }
    }
    return new Unrolled(g, states);
  }
}
