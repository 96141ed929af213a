package dev.unfold.nn.cell;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.reflect.ClassPath;
import dev.unfold.check.GradCheck;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.layer.Activation;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Bidirectional;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq.SkipConnectionCell;
import dev.unfold.nn.seq.Stacked;
import dev.unfold.nn.seq.Unidirectional;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Float64 gradient checks of every cell through a 5-step unroll (with respect to the inputs,
 * the initial state and every parameter), and of bidirectional, stacked and masked
 * variable-length layers. Criterion: the {@link GradCheck} defaults.
 */
class CellGradientTest {
  static final int IN = 3;
  static final int HID = 4;
  static final int BATCH = 2;
  static final int STEPS = 5;

  /** A case: what it covers (a cell class), its parameters and the function to check. */
  record Case(String name, Class<?> covers, Params params, Function<List<Node>, Node> f, Tensor[] inputs) {
    @Override public String toString() { return name; }
  }

  /** Random non-zero biases and peepholes so that no gradient is trivially zero. */
  static Params params(String name, long seed) {
    return Params.seeded(name, seed);
  }

  static void jiggle(Params p) {
    for (Parameter q : p.all()) {
      q.set(q.value().add(signed(q.name().hashCode(), q.shape().dims()).scale(0.3)));
    }
  }

  /** A cell unrolled over 5 steps from a given initial state; output: all hidden states [T×B×hid] and the last state. */
  static Case cellCase(String name, Function<Params, RecurrentCell> make, long seed) {
    Params p = params(name, seed);
    RecurrentCell cell = make.apply(p);
    jiggle(p);
    List<Tensor> inputs = new ArrayList<>();
    inputs.add(signed(seed + 1, STEPS, BATCH, cell.inputSize()));
    for (int size : cell.stateSizes()) {
      inputs.add(signed(seed + 2 + size, BATCH, size).scale(0.5));
    }
    Function<List<Node>, Node> f = in -> {
      Graph g = in.get(0).graph();
      State initial = State.of(in.subList(1, in.size()));
      var unrolled = Unroller.unroll(g, cell, in.get(0), initial);
      Node last = unrolled.last().parts().size() == 1 ? unrolled.last().h() : g.concat(1, unrolled.last().parts());
      return g.concat(1, unrolled.outputs().reshape(BATCH * STEPS, cell.hiddenSize()).sum(0, true), last.sum(0, true));
    };
    return new Case(name, cell.getClass(), p, f, inputs.toArray(new Tensor[0]));
  }

  /** A whole layer on [T×B×in] with optional lengths. */
  static Case layerCase(String name, Class<?> covers, Params p, SequenceLayer layer, Lengths lengths, long seed) {
    jiggle(p);
    Tensor x = signed(seed, STEPS, BATCH, layer.inputSize());
    Function<List<Node>, Node> f = in -> {
      Graph g = in.get(0).graph();
      SequenceLayer.Output out = layer.run(g, in.get(0), lengths, null);
      List<Node> finals = new ArrayList<>();
      out.finalStates().forEach(s -> finals.addAll(s.parts()));
      return g.concat(1, out.outputs().reshape(STEPS * BATCH, layer.outputSize()).sum(0, true).tanh(),
          g.concat(1, finals).sum(0, true));
    };
    return new Case(name, covers, p, f, new Tensor[] {x});
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(cellCase("elman tanh", p -> new ElmanCell(p, IN, HID), 10));
    c.add(cellCase("elman relu, two biases", p -> new ElmanCell(p, IN, HID, Activation.RELU, true), 11));
    c.add(cellCase("output feedback (sigmoid output)", p -> new OutputFeedbackCell(p, IN, 5, 2, Activation.SIGMOID), 12));
    c.add(cellCase("output feedback (identity output)", p -> new OutputFeedbackCell(p, IN, 5, 2, Activation.IDENTITY), 13));
    c.add(cellCase("gru pytorch fused", p -> new GruCell(p, IN, HID), 14));
    c.add(cellCase("gru textbook fused", p -> new GruCell(p, IN, HID,
        GruCell.Options.defaults().withVariant(GruCell.Variant.TEXTBOOK)), 15));
    c.add(cellCase("gru textbook separate", p -> new GruCell(p, IN, HID, GruCell.Options.defaults()
        .withVariant(GruCell.Variant.TEXTBOOK).withLayout(GateParams.Layout.SEPARATE)), 16));
    c.add(cellCase("gru pytorch separate", p -> new GruCell(p, IN, HID,
        GruCell.Options.defaults().withLayout(GateParams.Layout.SEPARATE)), 17));
    c.add(cellCase("lstm fused", p -> new LstmCell(p, IN, HID), 18));
    c.add(cellCase("lstm separate, peepholes, forget bias 1, two biases", p -> new LstmCell(p, IN, HID,
        LstmCell.Options.defaults().withLayout(GateParams.Layout.SEPARATE).withPeephole(true).withForgetBias(1)
            .withHiddenBias(true)), 19));
    c.add(cellCase("gru pytorch fused, unfused update", p -> new GruCell(p, IN, HID,
        GruCell.Options.defaults().withFusedUpdate(false)), 22));
    c.add(cellCase("gru pytorch separate, unfused update", p -> new GruCell(p, IN, HID,
        GruCell.Options.defaults().withLayout(GateParams.Layout.SEPARATE).withFusedUpdate(false)), 23));
    c.add(cellCase("lstm fused, unfused update", p -> new LstmCell(p, IN, HID,
        LstmCell.Options.defaults().withFusedUpdate(false)), 24));
    c.add(cellCase("lstm separate, two biases, forget bias 1 (fused update)", p -> new LstmCell(p, IN, HID,
        LstmCell.Options.defaults().withLayout(GateParams.Layout.SEPARATE).withForgetBias(1).withHiddenBias(true)), 25));
    c.add(cellCase("skip connection d=3 around a gru", p -> new SkipConnectionCell(new GruCell(p, IN + HID, HID), 3), 20));
    c.add(cellCase("user cell: minimal gated unit", p -> new MinimalGatedUnit(p, IN, HID), 21));

    Params bp = params("bidir", 30);
    c.add(layerCase("bidirectional lstm, concat", Bidirectional.class, bp,
        new Bidirectional(new LstmCell(bp.child("f"), IN, HID), new LstmCell(bp.child("b"), IN, HID), Bidirectional.Merge.CONCAT),
        null, 31));
    Params sp = params("stacked", 32);
    c.add(layerCase("stacked: bidirectional gru (sum) then elman", Stacked.class, sp, new Stacked(List.of(
        new Bidirectional(new GruCell(sp.child("l0f"), IN, HID), new GruCell(sp.child("l0b"), IN, HID), Bidirectional.Merge.SUM),
        new Unidirectional(new ElmanCell(sp.child("l1"), HID, HID)))), null, 33));
    Params mp = params("masked", 34);
    c.add(layerCase("masked variable lengths [5, 2]: bidirectional lstm", Lengths.class, mp,
        new Bidirectional(new LstmCell(mp.child("f"), IN, HID), new LstmCell(mp.child("b"), IN, HID), Bidirectional.Merge.CONCAT),
        Lengths.of(5, 2), 35));
    Params mp2 = params("masked2", 36);
    c.add(layerCase("masked variable lengths [3, 5]: stacked gru", Lengths.class, mp2, new Stacked(List.of(
        new Unidirectional(new GruCell(mp2.child("l0"), IN, HID)), new Unidirectional(new GruCell(mp2.child("l1"), HID, HID)))),
        Lengths.of(3, 5), 37));
    Params up = params("user", 38);
    c.add(layerCase("user cell bidirectional and masked, lengths [2, 5]", MinimalGatedUnit.class, up,
        new Bidirectional(new MinimalGatedUnit(up.child("f"), IN, HID), new MinimalGatedUnit(up.child("b"), IN, HID),
            Bidirectional.Merge.CONCAT), Lengths.of(2, 5), 39));
    return c;
  }

  static Stream<Case> caseStream() {
    return cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caseStream")
  void gradientMatchesFiniteDifferences(Case c) {
    GradCheck.of(c.name(), c.f()).inputs(c.inputs()).parameters(c.params().all().toArray(new Parameter[0])).check();
  }

  /** Coverage is a test: every cell class of the library has a case. */
  @Test
  void everyCellHasAGradientCheck() throws IOException {
    Set<String> cells = new TreeSet<>();
    for (String pkg : List.of("dev.unfold.nn.cell", "dev.unfold.nn.seq")) {
      for (ClassPath.ClassInfo info : ClassPath.from(getClass().getClassLoader()).getTopLevelClasses(pkg)) {
        Class<?> k = info.load();
        if (RecurrentCell.class.isAssignableFrom(k) && !k.isInterface() && !Modifier.isAbstract(k.getModifiers())
            && Modifier.isPublic(k.getModifiers())) {
          cells.add(k.getSimpleName());
        }
      }
    }
    Set<String> covered = cases().stream().map(c -> c.covers().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
    cells.removeAll(covered);
    assertEquals(Set.of(), cells, "cells without a gradient-check case");
  }
}
