package dev.unfold.op;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.RecurrentUpdates;
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
 * gradient; in float32, against themselves in float64; and their shape errors.
 */
class RecurrentUpdateTest {
  static final double TOL = 1e-12;

  /** LSTM from primitives, gates i, f, g, o: h' ‖ c'. */
  static Node lstmComposite(Node xPre, Node hPre, Node c) {
    int hid = c.shape().dim(1);
    List<Node> gates = xPre.add(hPre).split(1, hid, hid, hid, hid);
    Node i = gates.get(0).sigmoid();
    Node f = gates.get(1).sigmoid();
    Node g = gates.get(2).tanh();
    Node o = gates.get(3).sigmoid();
    Node c2 = f.mul(c).add(i.mul(g));
    Node h2 = o.mul(c2.tanh());
    return c.graph().concat(1, h2, c2);
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
    return run(DType.FLOAT64, f, seed, inputs);
  }

  /** {@link #run} in a graph of type {@code dtype}. */
  static List<Tensor> run(DType dtype, Function<List<Node>, Node> f, Tensor seed, Tensor... inputs) {
    Graph g = new Graph(dtype);
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
    Tensor xPre = signed(batch * 100 + hid, batch, 4 * hid).scale(2);
    Tensor hPre = signed(batch * 100 + hid + 2, batch, 4 * hid).scale(2);
    Tensor c = signed(batch * 100 + hid + 1, batch, hid).scale(2);
    Tensor seed = Tensors.normal(new Well19937c(hid), Shape.of(batch, 2 * hid), 0, 1);
    List<Tensor> fused = run(in -> in.get(0).graph().apply(new LstmUpdate(), in.get(0), in.get(1), in.get(2)),
        seed, xPre, hPre, c);
    List<Tensor> composite = run(in -> lstmComposite(in.get(0), in.get(1), in.get(2)), seed, xPre, hPre, c);
    assertSame(composite, fused);
    // The forward is the composite's operations in the same order.
    assertEquals(composite.get(0), fused.get(0));
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
    ShapeException e = assertThrows(ShapeException.class, () -> g.apply(new LstmUpdate(), pre, pre, c));
    assertTrue(e.getMessage().startsWith("lstm_update"), e.getMessage());
    assertTrue(e.getMessage().contains("[2×12]") && e.getMessage().contains("[2×4]"), e.getMessage());
    Node otherBatch = g.variable("c3", Tensors.zeros(3, 3));
    assertThrows(ShapeException.class, () -> g.apply(new LstmUpdate(), pre, pre, otherBatch));
    Node halves = g.variable("h16", Tensors.zeros(2, 16));
    Node wider = g.variable("h12", Tensors.zeros(2, 12));
    Node c4 = g.variable("c4", Tensors.zeros(2, 4));
    ShapeException mismatched = assertThrows(ShapeException.class, () -> g.apply(new LstmUpdate(), halves, wider, c4));
    assertTrue(mismatched.getMessage().contains("[2×16]") && mismatched.getMessage().contains("[2×12]"),
        mismatched.getMessage());
    ShapeException arity = assertThrows(ShapeException.class, () -> g.apply(new LstmUpdate(), pre, c));
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

  private static Tensor rounded(Tensor t) {
    return t.to(DType.FLOAT32).to(DType.FLOAT64);
  }

  /**
   * The fused ops in a float32 graph against the same ops in float64 on the same float-rounded
   * inputs and output gradient. Both compute in their own type (float tanh and σ within 2 ulp,
   * float sums and products), so output and gradients agree to {@link #F32_TOL} relative to the
   * largest value of each ({@code RecurrentKernelsTest} checks the kernels the same way).
   */
  @ParameterizedTest(name = "lstm batch {0}, hidden {1}")
  @CsvSource({"1, 3", "3, 5", "4, 16", "2, 37"})
  void float32LstmUpdateAgreesWithFloat64(int batch, int hid) {
    Tensor xPre = rounded(signed(batch * 100 + hid, batch, 4 * hid).scale(2));
    Tensor hPre = rounded(signed(batch * 100 + hid + 2, batch, 4 * hid).scale(2));
    Tensor c = rounded(signed(batch * 100 + hid + 1, batch, hid).scale(2));
    Tensor seed = rounded(Tensors.normal(new Well19937c(hid), Shape.of(batch, 2 * hid), 0, 1));
    Function<List<Node>, Node> op = in -> in.get(0).graph().apply(new LstmUpdate(), in.get(0), in.get(1), in.get(2));
    assertAgree(run(op, seed, xPre, hPre, c), run(DType.FLOAT32, op, seed, xPre, hPre, c));
  }

  @ParameterizedTest(name = "gru batch {0}, hidden {1}")
  @CsvSource({"1, 3", "3, 5", "4, 16", "2, 37"})
  void float32GruUpdateAgreesWithFloat64(int batch, int hid) {
    Tensor xPre = rounded(signed(batch * 100 + hid, batch, 3 * hid).scale(3));
    Tensor hPre = rounded(signed(batch * 100 + hid + 1, batch, 3 * hid).scale(3));
    Tensor h = rounded(signed(batch * 100 + hid + 2, batch, hid));
    Tensor seed = rounded(Tensors.normal(new Well19937c(hid), Shape.of(batch, hid), 0, 1));
    Function<List<Node>, Node> op = in -> in.get(0).graph().apply(new GruUpdate(), in.get(0), in.get(1), in.get(2));
    assertAgree(run(op, seed, xPre, hPre, h), run(DType.FLOAT32, op, seed, xPre, hPre, h));
  }

  /** The fused float32 LSTM forward is the composite's float operations in the same order: the same bits. */
  @ParameterizedTest(name = "batch {0}, hidden {1}")
  @CsvSource({"1, 3", "3, 5", "4, 16", "2, 37"})
  void float32LstmUpdateForwardIsTheFloat32Composite(int batch, int hid) {
    Tensor xPre = rounded(signed(batch * 100 + hid, batch, 4 * hid).scale(2));
    Tensor hPre = rounded(signed(batch * 100 + hid + 2, batch, 4 * hid).scale(2));
    Tensor c = rounded(signed(batch * 100 + hid + 1, batch, hid).scale(2));
    Tensor seed = rounded(Tensors.normal(new Well19937c(hid), Shape.of(batch, 2 * hid), 0, 1));
    List<Tensor> fused = run(DType.FLOAT32,
        in -> in.get(0).graph().apply(new LstmUpdate(), in.get(0), in.get(1), in.get(2)), seed, xPre, hPre, c);
    List<Tensor> composite = run(DType.FLOAT32, in -> lstmComposite(in.get(0), in.get(1), in.get(2)), seed, xPre, hPre, c);
    assertEquals(DType.FLOAT32, fused.get(0).dtype());
    assertEquals(composite.get(0), fused.get(0));
  }

  /**
   * About eight float ulps of the largest value (2⁻²³ ≈ 1.2e-7 is one ulp of 1); the worst seen
   * is 1.6e-7 for the outputs and 2.6e-7 for the gradients.
   */
  static final double F32_TOL = 1e-6;

  private static void assertAgree(List<Tensor> wide, List<Tensor> narrow) {
    for (int k = 0; k < wide.size(); k++) {
      assertEquals(DType.FLOAT32, narrow.get(k).dtype());
      double[] e = wide.get(k).toArray();
      double[] a = narrow.get(k).toArray();
      double scale = 0;
      double worst = 0;
      for (int i = 0; i < e.length; i++) {
        scale = Math.max(scale, Math.abs(e[i]));
        worst = Math.max(worst, Math.abs(e[i] - a[i]));
      }
      worst /= scale;
      assertTrue(worst <= F32_TOL, (k == 0 ? "output" : "input " + (k - 1)) + ": " + worst);
    }
  }

  /** Mixed float32 and float64 arguments compute in float64, as PyTorch promotes; each gradient has its input's type. */
  @Test
  void mixedTypesComputeInFloat64() {
    Tensor xPre = rounded(signed(1, 2, 12).scale(2));
    Tensor hPre = signed(2, 2, 12);
    Tensor c = rounded(signed(3, 2, 3));
    Tensor dOut = signed(4, 2, 6);
    RecurrentUpdates.Lstm wide = RecurrentUpdates.lstm(xPre, hPre, c);
    RecurrentUpdates.Lstm mixed = RecurrentUpdates.lstm(xPre.to(DType.FLOAT32), hPre, c.to(DType.FLOAT32));
    assertEquals(wide.out(), mixed.out());
    Tensor[] dWide = RecurrentUpdates.lstmBackward(dOut, wide, xPre, hPre, c);
    Tensor[] dMixed = RecurrentUpdates.lstmBackward(dOut, mixed, xPre.to(DType.FLOAT32), hPre, c.to(DType.FLOAT32));
    assertEquals(List.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT32), List.of(dMixed).stream().map(Tensor::dtype).toList());
    for (int k = 0; k < 3; k++) {
      assertEquals(dWide[k].to(dMixed[k].dtype()), dMixed[k], "gradient " + k);
    }

    Tensor gx = rounded(signed(5, 2, 9));
    Tensor gh = signed(6, 2, 9);
    Tensor h = signed(7, 2, 3);
    RecurrentUpdates.Gru gWide = RecurrentUpdates.gru(gx, gh, h);
    RecurrentUpdates.Gru gMixed = RecurrentUpdates.gru(gx.to(DType.FLOAT32), gh, h);
    assertEquals(gWide.out(), gMixed.out());
    Tensor[] gd = RecurrentUpdates.gruBackward(signed(8, 2, 3), gMixed, gx.to(DType.FLOAT32), gh, h);
    assertEquals(List.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT64), List.of(gd).stream().map(Tensor::dtype).toList());
  }
}
