package dev.unfold.op;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused {@link LstmUpdate} and {@link GruUpdate} against the same formulas composed from
 * primitive nodes: equal outputs and input gradients to 1e-12 (float64), for a random output
 * gradient; and their shape errors.
 */
class RecurrentUpdateTest {
  static final double TOL = 1e-12;

  /** LSTM from primitives, gates i, f, g, o: h' ‖ c'. */
  static Node lstmComposite(Node pre, Node c) {
    int hid = c.shape().dim(1);
    List<Node> gates = pre.split(1, hid, hid, hid, hid);
    Node i = gates.get(0).sigmoid();
    Node f = gates.get(1).sigmoid();
    Node g = gates.get(2).tanh();
    Node o = gates.get(3).sigmoid();
    Node c2 = f.mul(c).add(i.mul(g));
    Node h2 = o.mul(c2.tanh());
    return pre.graph().concat(1, h2, c2);
  }

  /** PyTorch's GRU from primitives, gates r, z, n: (1 − z)⊙n + z⊙h. */
  static Node gruComposite(Node xPre, Node hPre, Node h) {
    int hid = h.shape().dim(1);
    List<Node> xs = xPre.split(1, hid, hid, hid);
    List<Node> hs = hPre.split(1, hid, hid, hid);
    Node r = xs.get(0).add(hs.get(0)).sigmoid();
    Node z = xs.get(1).add(hs.get(1)).sigmoid();
    Node n = xs.get(2).add(r.mul(hs.get(2))).tanh();
    return z.neg().add(1.0).mul(n).add(z.mul(h));
  }

  /** Runs {@code f} on fresh variables, backpropagates {@code seed}; returns the output then each input's gradient. */
  static List<Tensor> run(Function<List<Node>, Node> f, Tensor seed, Tensor... inputs) {
    Graph g = new Graph();
    List<Node> in = new ArrayList<>();
    for (int k = 0; k < inputs.length; k++) {
      in.add(g.variable("x" + k, inputs[k]));
    }
    Node out = f.apply(in);
    g.backward(out.mul(g.constant(seed)).sum());
    List<Tensor> results = new ArrayList<>(List.of(out.value()));
    in.forEach(n -> results.add(n.grad()));
    return results;
  }

  static void assertSame(List<Tensor> expected, List<Tensor> actual) {
    assertEquals(expected.size(), actual.size());
    for (int k = 0; k < expected.size(); k++) {
      TensorAssert.assertClose(expected.get(k), actual.get(k), TOL, TOL);
    }
  }

  @ParameterizedTest(name = "batch {0}, hidden {1}")
  @CsvSource({"1, 3", "3, 5", "4, 16", "2, 37"})
  void lstmUpdateMatchesTheComposite(int batch, int hid) {
    // Scale 3 reaches both branches of σ and tanh (|x| ≥ 0.625) and both signs.
    Tensor pre = signed(batch * 100 + hid, batch, 4 * hid).scale(3);
    Tensor c = signed(batch * 100 + hid + 1, batch, hid).scale(2);
    Tensor seed = Tensors.normal(new Well19937c(hid), Shape.of(batch, 2 * hid), 0, 1);
    List<Tensor> fused = run(in -> in.get(0).graph().apply(new LstmUpdate(), in.get(0), in.get(1)), seed, pre, c);
    List<Tensor> composite = run(in -> lstmComposite(in.get(0), in.get(1)), seed, pre, c);
    assertSame(composite, fused);
  }

  @ParameterizedTest(name = "batch {0}, hidden {1}")
  @CsvSource({"1, 3", "3, 5", "4, 16", "2, 37"})
  void gruUpdateMatchesTheComposite(int batch, int hid) {
    Tensor xPre = signed(batch * 100 + hid, batch, 3 * hid).scale(3);
    Tensor hPre = signed(batch * 100 + hid + 1, batch, 3 * hid).scale(3);
    Tensor h = signed(batch * 100 + hid + 2, batch, hid);
    Tensor seed = Tensors.normal(new Well19937c(hid), Shape.of(batch, hid), 0, 1);
    List<Tensor> fused = run(in -> in.get(0).graph().apply(new GruUpdate(), in.get(0), in.get(1), in.get(2)),
        seed, xPre, hPre, h);
    List<Tensor> composite = run(in -> gruComposite(in.get(0), in.get(1), in.get(2)), seed, xPre, hPre, h);
    assertSame(composite, fused);
  }

  @Test
  void lstmShapeErrorsNameTheOpAndTheShapes() {
    Graph g = new Graph();
    Node pre = g.variable("pre", Tensors.zeros(2, 12));
    Node c = g.variable("c", Tensors.zeros(2, 4));
    ShapeException e = assertThrows(ShapeException.class, () -> g.apply(new LstmUpdate(), pre, c));
    assertTrue(e.getMessage().startsWith("lstm_update"), e.getMessage());
    assertTrue(e.getMessage().contains("[2×12]") && e.getMessage().contains("[2×4]"), e.getMessage());
    Node otherBatch = g.variable("c3", Tensors.zeros(3, 3));
    assertThrows(ShapeException.class, () -> g.apply(new LstmUpdate(), pre, otherBatch));
    ShapeException arity = assertThrows(ShapeException.class, () -> g.apply(new LstmUpdate(), pre));
    assertTrue(arity.getMessage().startsWith("lstm_update"), arity.getMessage());
  }

  @Test
  void gruShapeErrorsNameTheOpAndTheShapes() {
    Graph g = new Graph();
    Node xPre = g.variable("x", Tensors.zeros(2, 9));
    Node hPre = g.variable("hp", Tensors.zeros(2, 6));
    Node h = g.variable("h", Tensors.zeros(2, 3));
    ShapeException e = assertThrows(ShapeException.class, () -> g.apply(new GruUpdate(), xPre, hPre, h));
    assertTrue(e.getMessage().startsWith("gru_update"), e.getMessage());
    assertTrue(e.getMessage().contains("[2×9]") && e.getMessage().contains("[2×6]") && e.getMessage().contains("[2×3]"),
        e.getMessage());
  }
}
