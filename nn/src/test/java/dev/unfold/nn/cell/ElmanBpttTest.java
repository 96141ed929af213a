package dev.unfold.nn.cell;

import static dev.unfold.testing.Values.signed;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Unrolled;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import org.junit.jupiter.api.Test;

/** Backprop's dW_aa for the Elman cell equals the textbook's hand-derived BPTT sum over time. */
class ElmanBpttTest {

  @Test
  void recurrentWeightGradientEqualsHandDerivedBpttSum() {
    int in = 3;
    int hid = 4;
    int batch = 2;
    int steps = 6;
    Params p = Params.seeded("rnn", 5);
    ElmanCell cell = new ElmanCell(p, in, hid);
    Tensor xs = signed(1, steps, batch, in);
    Tensor h0 = signed(2, batch, hid);
    Tensor r = signed(3, steps, batch, hid);  // L = Σ_t Σ r_t ⊙ h_t

    Graph g = new Graph();
    Unrolled u = Unroller.unroll(g, cell, g.constant(xs), State.of(g.constant(h0)));
    g.backward(u.outputs().mul(g.constant(r)).sum());

    // By hand: δ_t = (r_t + δ_{t+1}·Uᵀ ⊙ (1 − h_{t+1}²)) (with δ_T = 0 beyond the end),
    // dU = Σ_t h_{t−1}ᵀ · (δ_t ⊙ (1 − h_t²)).
    Tensor w = p.find("rnn/W").orElseThrow().value();
    Tensor uW = p.find("rnn/U").orElseThrow().value();
    Tensor b = p.find("rnn/b").orElseThrow().value();
    Tensor[] h = new Tensor[steps + 1];
    h[0] = h0;
    for (int t = 0; t < steps; t++) {
      Tensor x = xs.slice(0, t, t + 1).reshape(Shape.of(batch, in));
      h[t + 1] = x.matmul(w).add(h[t].matmul(uW)).add(b).map(Math::tanh);
    }
    Tensor dU = Tensors.zeros(hid, hid);
    Tensor carry = Tensors.zeros(batch, hid);  // dL/dh_t from later steps
    for (int t = steps; t >= 1; t--) {
      Tensor dh = r.slice(0, t - 1, t).reshape(Shape.of(batch, hid)).add(carry);
      Tensor dPre = dh.zip(h[t], (d, y) -> d * (1 - y * y));
      dU = dU.add(h[t - 1].matmul(dPre, true, false));
      carry = dPre.matmul(uW, false, true);
    }
    TensorAssert.assertClose(dU, p.find("rnn/U").orElseThrow().grad());
  }
}
