package dev.unfold.nn.seq;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.BackwardOptions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Scope;
import dev.unfold.nn.cell.ElmanCell;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnrollerTest {

  @Test
  void unrollingOneStepEqualsOneStepCall() {
    LstmCell cell = new LstmCell(Params.seeded("lstm", 1), 3, 4);
    Graph g = new Graph();
    Node x = g.constant(signed(2, 1, 2, 3));
    State s0 = State.of(g.constant(signed(3, 2, 4)), g.constant(signed(4, 2, 4)));
    State unrolled = Unroller.unroll(g, cell, x, s0).last();
    State direct = cell.step(g, x.reshape(2, 3), s0);
    assertEquals(direct.h().value(), unrolled.h().value());
    assertEquals(direct.part(1).value(), unrolled.part(1).value());
  }

  @Test
  void everyStepCarriesItsTimeScopeAndGateNames() {
    // The composite update has a node per gate; the fused default has one lstm_update per step.
    LstmCell cell = new LstmCell(Params.seeded("lstm", 1), 3, 4, LstmCell.Options.defaults().withFusedUpdate(false));
    Graph g = new Graph();
    Unrolled u;
    try (Scope s = g.scope("encoder")) {
      u = Unroller.unroll(g, cell, g.constant(signed(2, 3, 2, 3)), State.zeros(g, cell, 2));
    }
    assertEquals("encoder/t=2/h", u.last().h().path());
    assertEquals("encoder/t=2/c", u.last().part(1).path());
    long forgetGates = g.nodes().stream().filter(n -> n.name().equals("forget_gate")).count();
    assertEquals(3, forgetGates);
    assertTrue(g.nodes().stream().anyMatch(n -> n.path().equals("encoder/t=1/output_gate")));
  }

  @Test
  void fusedStepsCarryTheirTimeScopeAndTheUpdateName() {
    LstmCell cell = new LstmCell(Params.seeded("lstm", 1), 3, 4);
    Graph g = new Graph();
    Unrolled u;
    try (Scope s = g.scope("encoder")) {
      u = Unroller.unroll(g, cell, g.constant(signed(2, 3, 2, 3)), State.zeros(g, cell, 2));
    }
    assertEquals("encoder/t=2/h", u.last().h().path());
    assertEquals("encoder/t=2/c", u.last().part(1).path());
    assertEquals(3, g.nodes().stream().filter(n -> n.name().equals("lstm_update")).count());
    assertTrue(g.nodes().stream().anyMatch(n -> n.path().equals("encoder/t=1/lstm_update")));
  }

  @Test
  void paddedStepsLeaveTheStateUnchangedAndTheirInputsGetNoGradient() {
    GruCell cell = new GruCell(Params.seeded("gru", 1), 3, 4);
    Graph g = new Graph();
    Node x = g.variable("x", signed(2, 5, 2, 3));
    Unrolled u = Unroller.unroll(g, cell, x, State.zeros(g, cell, 2), Lengths.of(5, 2));
    // Sequence 1 stops after 2 steps: its state at steps 2..4 is its state after step 1.
    Tensor atTwo = u.state(1).h().value().slice(0, 1, 2);
    for (int t = 2; t < 5; t++) {
      assertEquals(atTwo, u.state(t).h().value().slice(0, 1, 2), "step " + t);
    }
    assertNotEquals(u.state(1).h().value().slice(0, 0, 1), u.state(4).h().value().slice(0, 0, 1));
    // Padded outputs are zero; the last state is each sequence's last valid one.
    assertEquals(Tensors.zeros(1, 1, 4), u.outputs().value().slice(0, 3, 4).slice(1, 1, 2));
    assertEquals(atTwo, u.last().h().value().slice(0, 1, 2));
    // Gradients: nothing reaches sequence 1's padded inputs, through outputs or the last state.
    g.backward(u.outputs().sum().add(u.last().h().sum()));
    Tensor dx = x.grad();
    assertEquals(Tensors.zeros(3, 1, 3), dx.slice(0, 2, 5).slice(1, 1, 2));
    assertNotEquals(Tensors.zeros(2, 1, 3), dx.slice(0, 0, 2).slice(1, 1, 2));
  }

  @Test
  void stepInputCanDependOnThePreviousState() {
    ElmanCell cell = new ElmanCell(Params.seeded("rnn", 3), 4, 4);
    Graph g = new Graph();
    // Free running: each step's input is the previous hidden state.
    Unrolled u = Unroller.unroll(g, cell, 4, (graph, t, prev) -> prev.h(), State.of(g.constant(signed(4, 1, 4))), null);
    State again = cell.step(g, u.state(2).h(), u.state(2));
    assertEquals(again.h().value(), u.state(3).h().value());
  }

  @Test
  void shapeErrorInsideACellNamesTheCellTheStepAndTheShapes() {
    ElmanCell cell = new ElmanCell(Params.seeded("rnn", 3), 4, 5);
    Graph g = new Graph();
    ShapeException e = assertThrows(ShapeException.class, () -> Unroller.unroll(g, cell, 3,
        (graph, t, prev) -> graph.constant(Tensors.zeros(2, t == 2 ? 3 : 4)), State.zeros(g, cell, 2), null));
    assertTrue(e.getMessage().startsWith("ElmanCell at t=2: input"), e.getMessage());
    assertTrue(e.getMessage().contains("[2×3]") && e.getMessage().contains("[2×4]"), e.getMessage());

    // An error raised by an op inside the step names the cell, the step, the op and the shapes.
    dev.unfold.nn.cell.RecurrentCell broken = new dev.unfold.nn.cell.RecurrentCell() {
      @Override public int inputSize() { return 4; }
      @Override public List<Integer> stateSizes() { return List.of(5); }
      @Override public State step(Graph graph, Node x, State prev) { return State.of(x.matmul(prev.h())); }
      @Override public String name() { return "BrokenCell"; }
    };
    ShapeException inner = assertThrows(ShapeException.class,
        () -> Unroller.unroll(g, broken, g.constant(Tensors.zeros(2, 2, 4)), State.zeros(g, broken, 2)));
    assertTrue(inner.getMessage().startsWith("BrokenCell at t=0: matmul at t=0: inner dimensions differ, [2×4] · [2×5]"),
        inner.getMessage());
  }

  @Test
  void badLengthsAndStatesAreClearErrors() {
    ElmanCell cell = new ElmanCell(Params.seeded("rnn", 3), 3, 4);
    Graph g = new Graph();
    Node x = g.constant(Tensors.zeros(4, 2, 3));
    IllegalArgumentException allPadding = assertThrows(IllegalArgumentException.class, () -> Lengths.of(4, 0));
    assertTrue(allPadding.getMessage().contains("sequence 1 has length 0, so every step is padding"), allPadding.getMessage());
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> Unroller.unroll(g, cell, x, State.zeros(g, cell, 2), Lengths.of(4, 3, 2)));
    assertTrue(count.getMessage().contains("3 lengths for a batch of 2 sequences"), count.getMessage());
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> Unroller.unroll(g, cell, x, State.zeros(g, cell, 2), Lengths.of(5, 3)));
    assertTrue(tooLong.getMessage().contains("a sequence of length 5 in a batch padded to 4 steps"), tooLong.getMessage());
    ShapeException state = assertThrows(ShapeException.class,
        () -> Unroller.unroll(g, cell, x, State.of(g.constant(Tensors.zeros(2, 5)))));
    assertTrue(state.getMessage().contains("initial state part 0 has shape [2×5], expected [2×4]"), state.getMessage());
    ShapeException rank = assertThrows(ShapeException.class,
        () -> Unroller.unroll(g, cell, g.constant(Tensors.zeros(2, 3)), State.zeros(g, cell, 2)));
    assertTrue(rank.getMessage().contains("must be [T×B×features]"), rank.getMessage());
  }

  @Test
  void reverseDirectionStartsAtEachSequencesOwnEnd() {
    Params p = Params.seeded("bi", 4);
    ElmanCell f = new ElmanCell(p.child("f"), 2, 3);
    ElmanCell b = new ElmanCell(p.child("b"), 2, 3);
    Bidirectional bi = new Bidirectional(f, b, Bidirectional.Merge.CONCAT);
    Tensor xs = signed(5, 4, 2, 2);
    Graph g = new Graph();
    SequenceLayer.Output out = bi.run(g, g.constant(xs), Lengths.of(4, 2), null);
    // Sequence 1 (length 2) run alone, reversed by hand through the backward cell.
    Graph h = new Graph();
    Tensor seq1 = xs.slice(1, 1, 2).slice(0, 0, 2);  // [2×1×2]
    Tensor reversed = Tensor.concat(0, List.of(seq1.slice(0, 1, 2), seq1.slice(0, 0, 1)));
    Unrolled alone = Unroller.unroll(h, b, h.constant(reversed), State.zeros(h, b, 1));
    // The backward direction's output at original step 0 is its state after reading both steps.
    TensorAssert.assertClose(alone.last().h().value().reshape(Shape.of(3)),
        out.outputs().value().slice(0, 0, 1).slice(1, 1, 2).slice(2, 3, 6).reshape(Shape.of(3)));
    TensorAssert.assertClose(alone.last().h().value(), out.finalStates().get(1).h().value().slice(0, 1, 2));
    assertEquals(Tensors.zeros(2, 1, 6), out.outputs().value().slice(0, 2, 4).slice(1, 1, 2));
  }

  @Test
  void stackedLayersFeedEachOtherAndDropoutOnlyInTraining() {
    Params p = Params.seeded("stack", 6);
    Stacked s = new Stacked(List.of(new Unidirectional(new ElmanCell(p.child("l0"), 2, 3)),
        new Unidirectional(new ElmanCell(p.child("l1"), 3, 3))), 0.5, new org.apache.commons.math3.random.Well19937c(1));
    Tensor xs = signed(7, 3, 2, 2);
    Graph eval = new Graph();
    eval.setTraining(false);
    SequenceLayer.Output out = s.run(eval, eval.constant(xs), null, null);
    Graph manual = new Graph();
    Unrolled l0 = Unroller.unroll(manual, ((Unidirectional) s.layers().get(0)).cell(), manual.constant(xs),
        State.zeros(manual, ((Unidirectional) s.layers().get(0)).cell(), 2));
    Unrolled l1 = Unroller.unroll(manual, ((Unidirectional) s.layers().get(1)).cell(), l0.outputs(),
        State.zeros(manual, ((Unidirectional) s.layers().get(1)).cell(), 2));
    assertEquals(l1.outputs().value(), out.outputs().value());
    assertEquals(2, out.finalStates().size());
    assertTrue(eval.nodes().stream().noneMatch(n -> n.opName().equals("dropout")));
    Graph train = new Graph();
    s.run(train, train.constant(xs), null, null);
    assertEquals(1, train.nodes().stream().filter(n -> n.opName().equals("dropout")).count());
    assertTrue(train.nodes().stream().anyMatch(n -> n.path().equals("l1/t=2/h")));
    assertThrows(IllegalArgumentException.class, () -> new Stacked(List.of(
        new Unidirectional(new ElmanCell(p.child("x0"), 2, 3)), new Unidirectional(new ElmanCell(p.child("x1"), 4, 3)))));
  }

  @Test
  void truncatedBpttCarriesTheStateButNoGradientAcrossChunks() {
    ElmanCell cell = new ElmanCell(Params.seeded("rnn", 8), 2, 3);
    Tensor xs = signed(9, 6, 1, 2);
    List<TruncatedBptt.Chunk> chunks = TruncatedBptt.chunks(6, 4);
    assertEquals(List.of(new TruncatedBptt.Chunk(0, 4), new TruncatedBptt.Chunk(4, 6)), chunks);

    Graph g = new Graph();
    Node x = g.variable("x", xs);
    State state = State.zeros(g, cell, 1);
    Unrolled first = Unroller.unroll(g, cell, x.slice(0, 0, 4), state);
    State carried = first.last().detach();
    Unrolled second = Unroller.unroll(g, cell, x.slice(0, 4, 6), carried);
    // The state crosses the boundary ...
    assertEquals(first.last().h().value(), carried.h().value());
    Graph full = new Graph();
    Unrolled whole = Unroller.unroll(full, cell, full.constant(xs), State.zeros(full, cell, 1));
    TensorAssert.assertClose(whole.last().h().value(), second.last().h().value());
    // ... the gradient of the second chunk's loss does not.
    g.backward(second.outputs().sum(), Tensors.scalar(1), BackwardOptions.defaults().withAccumulateIntoParameters(false));
    Tensor dx = x.grad();
    assertEquals(Tensors.zeros(4, 1, 2), dx.slice(0, 0, 4));
    assertNotEquals(Tensors.zeros(2, 1, 2), dx.slice(0, 4, 6));

    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> TruncatedBptt.chunks(6, 7));
    assertTrue(tooLong.getMessage().contains("chunk length 7 exceeds the sequence length 6"), tooLong.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TruncatedBptt.chunks(6, 0));
    assertEquals(List.of(new TruncatedBptt.Chunk(0, 6)), TruncatedBptt.chunks(6, 6));
  }

  @Test
  void carriedStateIntoAFreshGraphIsAConstant() {
    ElmanCell cell = new ElmanCell(Params.seeded("rnn", 8), 2, 3);
    Graph g1 = new Graph();
    State end = Unroller.unroll(g1, cell, g1.constant(signed(1, 3, 1, 2)), State.zeros(g1, cell, 1)).last();
    Graph g2 = new Graph();
    State start = State.constants(g2, end.values());
    assertEquals(end.h().value(), start.h().value());
    assertTrue(!start.h().requiresGrad());
  }

  @Test
  void skipConnectionsCarryMoreGradientToEarlySteps() {
    int steps = 30;
    // A contracting recurrence, so the plain gradient to step 0 nearly vanishes.
    Params plainP = Params.seeded("plain", 10);
    ElmanCell plain = new ElmanCell(plainP, 2, 4);
    plainP.find("plain/U").orElseThrow().set(plainP.find("plain/U").orElseThrow().value().scale(0.5));
    Params skipP = Params.seeded("skip", 10);
    ElmanCell inner = new ElmanCell(skipP, 2 + 4, 4);
    inner.weights().parameters().get(1).set(plainP.find("plain/U").orElseThrow().value());
    // The inner cell's input weights: the plain cell's for x, an identity-like block for the skip.
    Tensor wx = plainP.find("plain/W").orElseThrow().value();
    Tensor wSkip = Tensors.of(new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}).scale(0.9);
    inner.weights().parameters().get(0).set(Tensor.concat(0, List.of(wx, wSkip)));
    SkipConnectionCell skip = new SkipConnectionCell(inner, 10);

    double plainNorm = gradientNormAtStepZero(plain, steps);
    double skipNorm = gradientNormAtStepZero(skip, steps);
    assertTrue(skipNorm > 100 * plainNorm, "skip " + skipNorm + " vs plain " + plainNorm);
  }

  private static double gradientNormAtStepZero(dev.unfold.nn.cell.RecurrentCell cell, int steps) {
    Graph g = new Graph();
    Node x = g.variable("x", signed(11, steps, 1, 2));
    Unrolled u = Unroller.unroll(g, cell, x, State.zeros(g, cell, 1));
    g.backward(u.last().h().sum());
    Tensor d0 = x.grad().slice(0, 0, 1);
    return Math.sqrt(d0.mul(d0).sum().item());
  }
}
