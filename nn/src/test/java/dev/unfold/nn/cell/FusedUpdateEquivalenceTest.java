package dev.unfold.nn.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cells' fused element-wise updates ({@code lstm_update}, {@code gru_update}) against the
 * composite of primitives: a sequence model built both ways from the same seed gives the same
 * loss and parameter gradients to 1e-12 (float64), and the graphs have the documented nodes.
 */
class FusedUpdateEquivalenceTest {
  static final double TOL = 1e-12;

  /** A cell built with the fused update on or off, from a parameter store. */
  record Variant(String name, BiFunction<Params, Boolean, RecurrentCell> make) {
    @Override public String toString() { return name; }
  }

  static Stream<Variant> variants() {
    return Stream.of(
        new Variant("lstm fused weights", (p, f) -> new LstmCell(p, 4, 5, LstmCell.Options.defaults().withFusedUpdate(f))),
        new Variant("lstm separate weights, two biases, forget bias 1", (p, f) -> new LstmCell(p, 4, 5,
            LstmCell.Options.defaults().withLayout(GateParams.Layout.SEPARATE).withHiddenBias(true).withForgetBias(1)
                .withFusedUpdate(f))),
        new Variant("gru pytorch fused weights", (p, f) -> new GruCell(p, 4, 5, GruCell.Options.defaults().withFusedUpdate(f))),
        new Variant("gru pytorch separate weights", (p, f) -> new GruCell(p, 4, 5,
            GruCell.Options.defaults().withLayout(GateParams.Layout.SEPARATE).withFusedUpdate(f))));
  }

  /** A cell unrolled over [T×B×in], a linear head on every step, mean cross-entropy. */
  static final class Model {
    final Params params;
    final RecurrentCell cell;
    final Linear head;

    Model(long seed, int in, int hid, int classes, BiFunction<Params, Boolean, RecurrentCell> make, boolean fused) {
      params = Params.seeded("m", seed);
      cell = make.apply(params.child("cell"), fused);
      head = new Linear(params.child("head"), hid, classes);
    }

    Node loss(Graph g, Tensor x, Tensor targets) {
      int batch = x.shape().dim(1);
      Node outputs = Unroller.unroll(g, cell, g.constant("x", x), State.zeros(g, cell, batch)).outputs();
      return Losses.softmaxCrossEntropy(g, head.apply(g, outputs), targets, LossOptions.mean());
    }
  }

  static Tensor inputs(long seed, int steps, int batch, int in) {
    return Tensors.normal(new Well19937c(seed), Shape.of(steps, batch, in), 0, 1);
  }

  static Tensor targets(long seed, int steps, int batch, int classes) {
    Well19937c rng = new Well19937c(seed);
    int[] t = new int[steps * batch];
    for (int i = 0; i < t.length; i++) {
      t[i] = rng.nextInt(classes);
    }
    return Tensors.indices(t).reshape(Shape.of(steps, batch));
  }

  static void assertClose(double expected, double actual, String what) {
    if (Math.abs(expected - actual) > TOL * Math.max(1, Math.abs(expected))) {
      fail(what + ": " + expected + " vs " + actual);
    }
  }

  static void assertClose(Tensor expected, Tensor actual, String what) {
    expected.mismatch(actual, TOL, TOL).ifPresent(m -> fail(what + ": " + m));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void fusedAndUnfusedGiveTheSameLossAndGradients(Variant v) {
    Tensor x = inputs(3, 6, 3, 4);
    Tensor y = targets(4, 6, 3, 7);
    Model fused = new Model(11, 4, 5, 7, v.make(), true);
    Model unfused = new Model(11, 4, 5, 7, v.make(), false);
    Graph gf = new Graph();
    Node lf = fused.loss(gf, x, y);
    gf.backward(lf);
    Graph gu = new Graph();
    Node lu = unfused.loss(gu, x, y);
    gu.backward(lu);

    assertTrue(opNames(gf).contains(v.name().startsWith("lstm") ? "lstm_update" : "gru_update"));
    assertFalse(opNames(gu).contains("lstm_update") || opNames(gu).contains("gru_update"));
    assertTrue(gf.nodes().size() < gu.nodes().size(), gf.nodes().size() + " vs " + gu.nodes().size());
    assertClose(lu.value().item(), lf.value().item(), "loss");
    List<Parameter> pf = fused.params.all();
    List<Parameter> pu = unfused.params.all();
    assertEquals(pu.size(), pf.size());
    for (int i = 0; i < pf.size(); i++) {
      assertEquals(pu.get(i).name(), pf.get(i).name());
      assertEquals(pu.get(i).value(), pf.get(i).value(), "same initial value of " + pf.get(i).name());
      assertClose(pu.get(i).grad(), pf.get(i).grad(), "gradient of " + pf.get(i).name());
    }
  }

  static Set<String> opNames(Graph g) {
    return g.nodes().stream().map(Node::opName).collect(Collectors.toSet());
  }

  /** The graph's switch gives the composite too, from the very same cell. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void aGraphWithFusedOpsOffBuildsTheGates(Variant v) {
    Model m = new Model(12, 4, 5, 7, v.make(), true);
    Tensor x = inputs(5, 4, 2, 4);
    Tensor y = targets(6, 4, 2, 7);
    Graph composite = new Graph();
    composite.setFusedOps(false);
    Node lc = m.loss(composite, x, y);
    Node lf = m.loss(new Graph(), x, y);
    Set<String> names = composite.nodes().stream().map(Node::name).collect(Collectors.toSet());
    assertTrue(names.containsAll(v.name().startsWith("lstm")
        ? List.of("input_gate", "forget_gate", "candidate", "output_gate", "c", "h")
        : List.of("reset_gate", "update_gate", "candidate", "h")), names.toString());
    assertClose(lc.value().item(), lf.value().item(), "loss");
  }

  @Test
  void fusedLstmStepNamesTheUpdateAndTheState() {
    LstmCell cell = new LstmCell(Params.seeded("lstm", 1), 3, 4);
    Graph g = new Graph();
    State s = cell.step(g, g.constant(Tensors.ones(2, 3)), State.zeros(g, cell, 2));
    assertEquals("h", s.h().name());
    assertEquals("c", s.part(1).name());
    Node update = s.h().inputs().get(0);
    assertEquals("lstm_update", update.name());
    assertEquals("lstm_update", update.opName());
    assertEquals(Shape.of(2, 8), update.shape());
    // x·W + b (one matmul_add node) and h·U go in as two inputs: no [B×4H] sum node in between.
    assertEquals(List.of("matmul_add", "matmul", "const"), update.inputs().stream().map(Node::opName).toList());
    assertFalse(g.nodes().stream().anyMatch(n -> n.name().endsWith("_gate")));
  }

  @Test
  void fusedGruStepIsOneNodeNamedH() {
    GruCell cell = new GruCell(Params.seeded("gru", 1), 3, 4);
    Graph g = new Graph();
    State s = cell.step(g, g.constant(Tensors.ones(2, 3)), State.zeros(g, cell, 2));
    assertEquals("h", s.h().name());
    assertEquals("gru_update", s.h().opName());
  }

  /** Peepholes and the textbook GRU have no fused update: they build their gates whatever the option says. */
  @Test
  void peepholesAndTheTextbookGruStayUnfused() {
    Graph g = new Graph();
    LstmCell peep = new LstmCell(Params.seeded("p", 1), 3, 4, LstmCell.Options.defaults().withPeephole(true));
    peep.step(g, g.constant(Tensors.ones(2, 3)), State.zeros(g, peep, 2));
    GruCell textbook = new GruCell(Params.seeded("t", 1), 3, 4,
        GruCell.Options.defaults().withVariant(GruCell.Variant.TEXTBOOK));
    textbook.step(g, g.constant(Tensors.ones(2, 3)), State.zeros(g, textbook, 2));
    Set<String> names = g.nodes().stream().map(Node::name).collect(Collectors.toSet());
    assertTrue(names.containsAll(List.of("forget_gate", "reset_gate")), names.toString());
    assertFalse(opNames(g).contains("lstm_update") || opNames(g).contains("gru_update"));
  }

  /**
   * The benchmark's standard training step (batch 32, T 50, input 64, hidden 256, 64 classes):
   * fused and unfused give the same loss and the same gradients of every parameter.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("stdCells")
  void standardSizedTrainingStepAgrees(Variant v) {
    Tensor x = inputs(21, 50, 32, 64);
    Tensor y = targets(22, 50, 32, 64);
    Model fused = new Model(20, 64, 256, 64, v.make(), true);
    Model unfused = new Model(20, 64, 256, 64, v.make(), false);
    assertClose(step(unfused, x, y), step(fused, x, y), "loss");
    for (int i = 0; i < fused.params.all().size(); i++) {
      Parameter p = fused.params.all().get(i);
      assertClose(unfused.params.all().get(i).grad(), p.grad(), "gradient of " + p.name());
    }
  }

  static Stream<Variant> stdCells() {
    return Stream.of(
        new Variant("lstm", (p, f) -> new LstmCell(p, 64, 256, LstmCell.Options.defaults().withFusedUpdate(f))),
        new Variant("gru", (p, f) -> new GruCell(p, 64, 256, GruCell.Options.defaults().withFusedUpdate(f))));
  }

  private static double step(Model m, Tensor x, Tensor y) {
    Graph g = new Graph();
    Node loss = m.loss(g, x, y);
    g.backward(loss);
    return loss.value().item();
  }
}
