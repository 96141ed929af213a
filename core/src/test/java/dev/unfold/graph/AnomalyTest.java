package dev.unfold.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.Values;
import org.junit.jupiter.api.Test;

class AnomalyTest {
  private static final int STEPS = 8;

  /**
   * An exploding recurrence {@code a_t = exp(a_{t−1}·W + x_t·U)} with large positive weights: the
   * state grows as a tower of exponentials until exp overflows.
   */
  private static Graph explodingRnn(boolean anomalyMode) {
    Graph g = new Graph();
    g.setAnomalyDetection(anomalyMode);
    Parameter w = new Parameter("W", Values.uniform(1, 4, 5, 2, 2));
    Parameter u = new Parameter("U", Values.uniform(2, 0, 1, 3, 2));
    try (Scope rnn = g.scope("rnn")) {
      Node a = g.constant("a0", Tensors.full(Shape.of(1, 2), 0.5));
      for (int t = 0; t < STEPS; t++) {
        try (Scope s = g.timeStep(t)) {
          a = a.matmul(g.param(w)).add(g.constant("x", Values.signed(10 + t, 1, 3)).matmul(g.param(u))).exp().named("a");
        }
      }
    }
    return g;
  }

  @Test
  void offByDefaultAndThenInfinitiesPassSilently() {
    assertFalse(new Graph().isAnomalyDetection());
    Graph g = explodingRnn(false);
    assertFalse(g.nodes().get(g.size() - 1).value().isFinite());
  }

  @Test
  void forwardStopsAtTheFirstNodeWhoseValueOverflows() {
    // Where the overflow first appears, found by running without anomaly mode.
    Node firstBad = explodingRnn(false).nodes().stream().filter(n -> !n.value().isFinite()).findFirst().orElseThrow();
    assertEquals("exp", firstBad.opName());

    AnomalyException e = assertThrows(AnomalyException.class, () -> explodingRnn(true));
    assertEquals(AnomalyException.Phase.FORWARD, e.phase());
    assertEquals("exp", e.op());
    assertEquals(firstBad.scopePath() + "/exp", e.path());
    assertTrue(e.path().matches("rnn/t=[1-9]/exp"), e.path());
    assertEquals(firstBad.id(), e.nodeId());
    String msg = e.getMessage();
    assertTrue(msg.startsWith("anomaly in forward: node #" + firstBad.id() + " " + e.path() + " (op exp, shape [1×2]) has "),
        msg);
    Node input = firstBad.inputs().get(0);
    assertTrue(msg.contains("\ninput 0: " + input + ": min/mean/max "), msg);
    assertTrue(msg.contains("0 NaN, 0 Inf"), "the input is still finite: " + msg);
    assertTrue(msg.contains("\nvalue: no finite element, 0 NaN, 2 Inf"), msg);
  }

  @Test
  void failedNodeIsNotRecorded() {
    Graph g = new Graph();
    g.setAnomalyDetection(true);
    Node x = g.variable("x", Tensors.vector(1, 0));
    Node one = g.constant(Tensors.scalar(1));
    int before = g.size();
    AnomalyException e = assertThrows(AnomalyException.class, () -> one.div(x));
    assertEquals(before, g.size());
    assertEquals("div", e.op());
    assertTrue(e.getMessage().contains("has 0 NaN and 1 Inf among 2 elements"), e.getMessage());
    assertTrue(e.getMessage().contains("input 1: #0 x var [2]: min/mean/max 0/0.5/1, 0 NaN, 0 Inf"), e.getMessage());
  }

  @Test
  void nonFiniteInputDataIsCaughtAtItsLeaf() {
    Graph g = new Graph();
    g.setAnomalyDetection(true);
    try (Scope s = g.scope("data")) {
      AnomalyException e = assertThrows(AnomalyException.class,
          () -> g.constant("batch", Tensors.vector(1, Double.NaN, 3)));
      assertEquals("data/batch", e.path());
      assertEquals("const", e.op());
      assertTrue(e.getMessage().contains("has 1 NaN and 0 Inf among 3 elements"), e.getMessage());
      assertTrue(e.getMessage().contains("it is a leaf"), e.getMessage());
    }
  }

  @Test
  void unrecordedNodesAreCheckedToo() {
    Graph g = new Graph();
    g.setAnomalyDetection(true);
    try (Graph.NoGrad off = g.noGrad()) {
      Node big = g.constant(Tensors.vector(1000));
      AnomalyException e = assertThrows(AnomalyException.class, big::exp);
      assertEquals(-1, e.nodeId());
      assertTrue(e.getMessage().startsWith("anomaly in forward: node #- exp (op exp"), e.getMessage());
    }
  }

  /**
   * A tanh RNN whose state is exactly zero (zero inputs, bias and initial state), with loss
   * ‖h_T‖ = sqrt(Σ h_T²): finite in forward, but d sqrt(s)/ds = 1/(2·sqrt(s)) is infinite at 0.
   */
  private static Node zeroStateNormLoss(Graph g, Parameter w) {
    Node h = g.constant("h0", Tensors.zeros(1, 3));
    try (Scope rnn = g.scope("rnn")) {
      for (int t = 0; t < 3; t++) {
        try (Scope s = g.timeStep(t)) {
          h = h.matmul(g.param(w)).add(g.constant("x", Tensors.zeros(1, 3))).tanh().named("h");
        }
      }
    }
    return h.square().sum().named("sq").sqrt().named("norm");
  }

  @Test
  void backwardStopsAtTheFirstPullbackThatReturnsANonFiniteGradient() {
    Parameter w = new Parameter("W", Values.signed(3, 3, 3));
    Graph g = new Graph();
    Node loss = zeroStateNormLoss(g, w);
    assertEquals(0.0, loss.value().item());
    g.setAnomalyDetection(true);  // turned on after forward: backward is checked on its own
    AnomalyException e = assertThrows(AnomalyException.class, () -> g.backward(loss));
    assertEquals(AnomalyException.Phase.BACKWARD, e.phase());
    assertEquals("norm", e.path());
    assertEquals("pow", e.op());
    assertEquals(loss.id(), e.nodeId());
    Node sq = loss.inputs().get(0);
    assertTrue(e.getMessage().startsWith("anomaly in backward: the pullback of node #" + loss.id()
        + " norm (op pow, shape []) gave input 0 (" + sq + ") a gradient that has 0 NaN and 1 Inf among 1 elements"),
        e.getMessage());
    assertTrue(e.getMessage().contains("\nincoming gradient of #" + loss.id() + ": min/mean/max 1/1/1"), e.getMessage());
    assertEquals(Tensors.zeros(3, 3), w.grad(), "nothing reached the parameter");
  }

  @Test
  void withoutAnomalyModeTheSameBackwardPoisonsTheParameterGradient() {
    Parameter w = new Parameter("W", Values.signed(3, 3, 3));
    Graph g = new Graph();
    g.backward(zeroStateNormLoss(g, w));
    assertFalse(w.grad().isFinite());
  }

  @Test
  void nonFiniteSeedIsReported() {
    Graph g = new Graph();
    g.setAnomalyDetection(true);
    Node y = g.variable("x", Tensors.vector(1, 2)).tanh().named("y");
    Tensor seed = Tensors.vector(1, Double.NaN);
    AnomalyException e = assertThrows(AnomalyException.class,
        () -> g.backward(y, seed, BackwardOptions.defaults()));
    assertEquals("anomaly in backward: the seed gradient for #1 y tanh [2] has 1 NaN and 0 Inf among 2 elements",
        e.getMessage());
  }
}
