package dev.unfold.graph;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.op.MatMul;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class GraphTest {

  @Test
  void nodeUsedAHundredTimesReceivesTheSumOfItsContributions() {
    Graph g = new Graph();
    Node x = g.variable("x", signed(1, 2, 3));
    Node total = null;
    double expectedScale = 0;
    for (int k = 1; k <= 100; k++) {
      Node term = x.mul(k);  // contributes k to dL/dx
      total = total == null ? term : total.add(term);
      expectedScale += k;
    }
    g.backward(total.sum());
    assertEquals(Tensors.full(Shape.of(2, 3), expectedScale), x.grad());
  }

  @Test
  void parameterSharedAcrossUsesAccumulatesAndSurvivesTheGraph() {
    Parameter w = new Parameter("w", Tensors.vector(1, 2, 3));
    Graph g = new Graph();
    Node a = g.param(w);
    assertSame(a, g.param(w), "one leaf per parameter per graph");
    g.backward(a.mul(a).sum());  // d/dw Σ w² = 2w
    g = new Graph();
    g.backward(g.param(w).sum());  // + 1
    assertEquals(Tensors.vector(3, 5, 7), w.grad());
    w.zeroGrad();
    assertEquals(Tensors.zeros(3), w.grad());
  }

  /**
   * h_t = tanh(W h_{t−1} + x_t) over 10,000 steps: backward is iterative (no stack overflow),
   * and dL/dW equals the sum of per-step contributions, computed by giving every step its own
   * copy of W as a separate leaf.
   */
  @Test
  void tenThousandStepChainBackpropagatesWithoutRecursionAndSumsPerStepContributions() {
    int steps = 10_000;
    int n = 4;
    Tensor w0 = signed(2, n, n).scale(0.5);
    Tensor h0 = signed(3, n, 1);
    List<Tensor> xs = new ArrayList<>();
    Well19937c rng = new Well19937c(4);
    for (int t = 0; t < steps; t++) {
      xs.add(Tensors.uniform(rng, Shape.of(n, 1), -0.3, 0.3));
    }

    Parameter w = new Parameter("W", w0);
    Graph shared = new Graph();
    Node h = shared.constant("h0", h0);
    Node wn = shared.param(w);
    for (int t = 0; t < steps; t++) {
      try (Scope s = shared.timeStep(t)) {
        h = wn.matmul(h).add(shared.constant(xs.get(t))).tanh().named("h");
      }
    }
    shared.backward(h.sum());
    assertEquals("t=9999/h", h.path());

    Graph split = new Graph();
    Node h2 = split.constant("h0", h0);
    List<Node> copies = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      Node wt = split.variable("W_" + t, w0);
      copies.add(wt);
      h2 = wt.matmul(h2).add(split.constant(xs.get(t))).tanh();
    }
    split.backward(h2.sum());
    Tensor sum = Tensors.zeros(n, n);
    for (Node c : copies) {
      sum = sum.add(c.grad());
    }
    TensorAssert.assertClose(sum, w.grad());
    assertNotEquals(Tensors.zeros(n, n), copies.get(steps - 1).grad());
  }

  @Test
  void noGradModeRecordsNothing() {
    Parameter w = new Parameter("w", signed(5, 3, 3));
    Graph g = new Graph();
    Node x = g.constant(signed(6, 2, 3));
    int before = g.size();
    Node y;
    try (Graph.NoGrad off = g.noGrad()) {
      y = x.matmul(g.param(w)).tanh();
      assertFalse(g.isGradEnabled());
    }
    assertTrue(g.isGradEnabled());
    assertEquals(before, g.size());
    assertFalse(y.requiresGrad());
    assertEquals(-1, y.id());
    assertEquals(x.value().matmul(w.value()).tanh(), y.value());
    // The parameter used with gradients on again gets a recorded leaf.
    Node p = g.param(w);
    assertTrue(p.requiresGrad());
    assertTrue(p.id() >= 0);

    Graph inference = Graph.inference();
    Node z = inference.constant(signed(7, 2, 3)).mul(inference.param(w).slice(0, 0, 2)).sum();
    assertEquals(0, inference.size());
    assertThrows(IllegalArgumentException.class, () -> inference.backward(z));
  }

  @Test
  void scopesGiveNodesPathsWithTimeSteps() {
    Graph g = new Graph();
    Node x = g.variable("x", signed(8, 2, 2));
    Node gate;
    try (Scope enc = g.scope("encoder"); Scope lstm = g.scope("lstm"); Scope t = g.timeStep(3)) {
      gate = x.sigmoid().named("forget_gate");
      assertEquals("encoder/lstm/t=3", g.currentScope().path());
    }
    assertEquals("encoder/lstm/t=3/forget_gate", gate.path());
    assertEquals("encoder/lstm/t=3", gate.scopePath());
    assertEquals("", g.currentScope().path());
    assertEquals(OptionalInt.of(3), TimeStep.innermost(gate.path()));
    assertEquals(OptionalInt.empty(), TimeStep.parse("t="));
    assertEquals(OptionalInt.empty(), TimeStep.parse("t=x"));
    assertEquals("t=12", TimeStep.segment(12));
    assertEquals("x", x.path());
    Node unnamed = x.tanh();
    assertEquals("tanh", unnamed.path());
  }

  @Test
  void scopesMustCloseInnermostFirst() {
    Graph g = new Graph();
    Scope outer = g.scope("a");
    g.scope("b");
    assertThrows(IllegalStateException.class, outer::close);
  }

  @Test
  void shapeErrorNamesOpScopeNodesAndShapes() {
    Graph g = new Graph();
    Node a = g.constant("x", Tensors.zeros(3, 4));
    Parameter w = new Parameter("W", Tensors.zeros(5, 2));
    ShapeException e;
    try (Scope s = g.scope("lstm"); Scope t = g.timeStep(3)) {
      Node wn = g.param(w);
      e = assertThrows(ShapeException.class, () -> a.matmul(wn));
    }
    String msg = e.getMessage();
    assertTrue(msg.startsWith("matmul at lstm/t=3: inner dimensions differ"), msg);
    assertTrue(msg.contains("[3×4]") && msg.contains("[5×2]"), msg);
    assertTrue(msg.contains("#0 x const [3×4]"), msg);
    assertTrue(msg.contains("#1 W param [5×2]"), msg);  // a parameter sits at the root scope

    ShapeException add = assertThrows(ShapeException.class, () -> a.add(g.constant(Tensors.zeros(2, 4))));
    assertTrue(add.getMessage().startsWith("add: shapes [3×4] and [2×4] do not broadcast"), add.getMessage());

    IndexOutOfBoundsException gather = assertThrows(IndexOutOfBoundsException.class,
        () -> a.gatherRows(g.constant("ids", Tensors.indices(0, 7))));
    assertTrue(gather.getMessage().startsWith("gather_rows: index 7 at position 1 is outside the table's 3 rows"),
        gather.getMessage());
    IllegalArgumentException frac = assertThrows(IllegalArgumentException.class,
        () -> a.gatherRows(g.constant("ids", Tensors.vector(0.5))));
    assertTrue(frac.getMessage().contains("not a whole number"), frac.getMessage());
  }

  @Test
  void nodesFromAnotherGraphAreRejected() {
    Graph g1 = new Graph();
    Graph g2 = new Graph();
    Node a = g1.constant(Tensors.ones(2));
    Node b = g2.constant(Tensors.ones(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
    assertTrue(e.getMessage().contains("belongs to another graph"), e.getMessage());
  }

  @Test
  void backwardFromAnyNodeWithASeedCanLeaveParametersUntouched() {
    Parameter w = new Parameter("w", signed(9, 3, 3));
    Graph g = new Graph();
    Node x = g.variable("x", signed(10, 1, 3));
    Node h1 = x.matmul(g.param(w)).tanh().named("h1");
    Node h2 = h1.matmul(g.param(w)).tanh().named("h2");
    Tensor seed = signed(11, 1, 3);
    g.backward(h2, seed, BackwardOptions.defaults().withRetainGrads(true).withAccumulateIntoParameters(false));
    assertEquals(Tensors.zeros(3, 3), w.grad(), "parameters untouched");
    assertTrue(h1.hasGrad());
    // dh2/dh1ᵀ·seed by hand: (seed ⊙ (1 − h2²)) · Wᵀ
    Tensor expected = seed.zip(h2.value(), (s, y) -> s * (1 - y * y)).matmul(w.value(), false, true);
    assertTrue(h1.grad().closeTo(expected, 1e-12, 1e-14));
    g.zeroNodeGrads();
    assertFalse(h1.hasGrad());
    IllegalStateException none = assertThrows(IllegalStateException.class, h1::grad);
    assertTrue(none.getMessage().contains("withRetainGrads"), none.getMessage());
  }

  @Test
  void backwardNeedsAScalarLossOrASeed() {
    Graph g = new Graph();
    Node x = g.variable("x", signed(12, 2, 2));
    ShapeException e = assertThrows(ShapeException.class, () -> g.backward(x.tanh()));
    assertTrue(e.getMessage().contains("exactly one element"), e.getMessage());
    assertThrows(ShapeException.class,
        () -> g.backward(x, Tensors.ones(3), BackwardOptions.defaults()));
    Node c = g.constant(Tensors.scalar(1)).mul(2.0);
    assertThrows(IllegalArgumentException.class, () -> g.backward(c));
  }

  @Test
  void dropoutIsSeededAndTheIdentityInEvaluationMode() {
    Graph g = new Graph();
    Node x = g.constant(Tensors.ones(1000));
    Node a = x.dropout(0.3, new Well19937c(5));
    Node b = x.dropout(0.3, new Well19937c(5));
    assertEquals(a.value(), b.value(), "same seed, same mask");
    double kept = a.value().map(v -> v != 0 ? 1 : 0).sum().item();
    assertTrue(kept > 620 && kept < 780, "about 70% kept: " + kept);
    assertEquals(1000, a.value().sum().item(), 100, "inverted dropout preserves the mean");
    g.setTraining(false);
    assertSame(x, x.dropout(0.3, new Well19937c(5)));
  }

  @Test
  void opDeclaringOneShapeAndComputingAnotherIsCaught() {
    Graph g = new Graph();
    Node x = g.variable("x", Tensors.ones(2, 2));
    dev.unfold.op.UnaryOp liar = new dev.unfold.op.UnaryOp() {
      @Override public String name() { return "liar"; }
      @Override public Tensor forward(Tensor v) { return v.reshape(Shape.of(4)); }
      @Override public Tensor backward(Tensor dy, Tensor y, Tensor v) { return dy; }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.apply(liar, x));
    assertTrue(e.getMessage().contains("liar") && e.getMessage().contains("[2×2]") && e.getMessage().contains("[4]"));
  }

  @Test
  void pullbackWithAWrongShapeIsCaughtNamingTheNode() {
    Graph g = new Graph();
    Node x = g.variable("x", Tensors.ones(2, 2));
    dev.unfold.op.UnaryOp bad = new dev.unfold.op.UnaryOp() {
      @Override public String name() { return "bad_grad"; }
      @Override public Tensor forward(Tensor v) { return v; }
      @Override public Tensor backward(Tensor dy, Tensor y, Tensor v) { return dy.sum(); }
    };
    Node y;
    try (Scope s = g.scope("cell")) {
      y = g.apply(bad, x).named("out");
    }
    Node loss = y.sum();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.backward(loss));
    assertTrue(e.getMessage().contains("bad_grad at cell/out") && e.getMessage().contains("[]")
        && e.getMessage().contains("[2×2]"), e.getMessage());
  }

  @Test
  void matmulOpAgreesWithTensorMatmul() {
    Graph g = new Graph();
    Tensor a = signed(13, 2, 3, 4);
    Tensor b = signed(14, 4, 5);
    assertEquals(a.matmul(b), g.apply(new MatMul(), g.constant(a), g.constant(b)).value());
  }
}
