package dev.unfold.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.BackwardOptions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.TensorSummary;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.HandBuiltRnns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientFlowTest {
  private static final int STEPS = 8;

  @TempDir Path dir;

  /** Many-to-one: the loss reads only the last state, so ∂L/∂h_t reaches step t through the recurrence alone. */
  private static Node lastStateLoss(HandBuiltRnns.Unrolled r) {
    return r.last().sum().named("loss");
  }

  /**
   * A tanh RNN saturated by large weights: with |x| < 1, |W_ax|, |W_aa| < 1 (3 inputs, 4 units) and
   * a bias of 10 ± 0.1, every pre-activation z lies in (2.9, 17.1): tanh(z) > 0.99 (yet below 1 in
   * float64, which needs z > 19), so tanh'(z) < 0.0121, and each step back multiplies ‖∂L/∂h‖ by at
   * most 0.0121·‖W_aa‖_F < 0.0121·4 &lt; 0.05. The norm must shrink at every step from late to early.
   */
  @Test
  void saturatedTanhRnnShowsTheNormShrinkingFromLateToEarlySteps() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(STEPS, 3, 4, 1.0, 10.0, "h");
    for (Node h : r.states()) {
      assertTrue(TensorSummary.of(h.value()).min() > 0.99, "saturated: " + h.value());
    }
    GradientFlow flow = GradientFlow.measure(r.graph(), lastStateLoss(r), FlowOptions.defaults());

    SortedMap<Integer, Double> norms = flow.series("rnn/h", GradientFlow.Role.STATE).orElseThrow().norms();
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.copyOf(norms.keySet()));
    for (int t = 0; t < STEPS - 1; t++) {
      assertTrue(0 < norms.get(t) && norms.get(t) < 0.05 * norms.get(t + 1),
          "‖∂L/∂h‖ should shrink from step " + (t + 1) + " back to " + t + ":\n" + flow);
    }
  }

  /** The same network unsaturated (small weights, no bias shift) loses far less gradient over the steps. */
  @Test
  void unsaturatedRnnKeepsMuchMoreOfItsGradient() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(STEPS, 3, 4, 0.5, "h");
    SortedMap<Integer, Double> norms = GradientFlow.measure(r.graph(), lastStateLoss(r), FlowOptions.defaults())
        .series("rnn/h", GradientFlow.Role.STATE).orElseThrow().norms();
    assertTrue(norms.get(0) > 1e-6 * norms.get(STEPS - 1), norms.toString());
  }

  @Test
  void normsEqualThoseOfABackwardPassThatKeepsGradients() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(5, 3, 4, 1.0, "h");
    Node loss = r.last().square().sum();
    r.graph().backward(loss, Tensors.ones(loss.shape()), BackwardOptions.defaults().withRetainGrads(true));
    double[] expected = r.states().stream().mapToDouble(h -> TensorSummary.of(h.grad()).norm()).toArray();

    GradientFlow flow = GradientFlow.measure(r.graph(), loss, FlowOptions.defaults());
    SortedMap<Integer, Double> norms = flow.series("rnn/h", GradientFlow.Role.STATE).orElseThrow().norms();
    for (int t = 0; t < expected.length; t++) {
      assertEquals(expected[t], norms.get(t), 1e-12 * expected[t], "step " + t);
    }
    // Measuring cleared the earlier pass's node gradients rather than adding to them.
    assertEquals(expected[4], TensorSummary.of(r.last().grad()).norm(), 1e-12 * expected[4]);
  }

  @Test
  void parametersGradientsAreUntouched() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(4, 3, 4, 1.0, "h");
    Parameter w = r.graph().nodes().get(1).parameter().orElseThrow();
    GradientFlow.measure(r.graph(), lastStateLoss(r), FlowOptions.defaults().withJacobianProbes(3, 5));
    assertEquals(Tensors.zeros(4, 4), w.grad());
  }

  /**
   * ‖∂h_T/∂h_t‖_F computed exactly: one backward pass per output coordinate j with a one-hot seed
   * gives row j of the Jacobian at every step.
   */
  private static double[] exactJacobianNorms(HandBuiltRnns.Unrolled r) {
    Graph g = r.graph();
    Node last = r.last();
    double[] ss = new double[r.states().size()];
    for (int j = 0; j < last.shape().size(); j++) {
      double[] e = new double[last.shape().size()];
      e[j] = 1;
      g.zeroNodeGrads();
      g.backward(last, Tensors.of(last.shape(), e), BackwardOptions.defaults().withRetainGrads(true)
          .withAccumulateIntoParameters(false));
      for (int t = 0; t < ss.length; t++) {
        Node h = r.states().get(t);
        double n = h.hasGrad() ? TensorSummary.of(h.grad()).norm() : 0;
        ss[t] += n * n;
      }
    }
    double[] out = new double[ss.length];
    for (int t = 0; t < ss.length; t++) {
      out[t] = Math.sqrt(ss[t]);
    }
    return out;
  }

  @Test
  void randomProjectionsEstimateTheJacobianNorm() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(6, 3, 5, 1.0, "h");
    double[] exact = exactJacobianNorms(r);
    assertEquals(Math.sqrt(5), exact[5], 1e-12, "∂h_T/∂h_T is the 5×5 identity");

    GradientFlow flow = GradientFlow.measure(r.graph(), lastStateLoss(r), FlowOptions.defaults().withJacobianProbes(400, 7));
    GradientFlow.Series j = flow.series("rnn/h", GradientFlow.Role.JACOBIAN).orElseThrow();
    assertEquals("‖∂h_T/∂h_t‖ rnn/h (T=5)", j.heading());
    for (int t = 0; t < exact.length; t++) {
      assertEquals(exact[t], j.norms().get(t), 0.15 * exact[t], "step " + t + "\n" + flow);
    }
    // Few probes give a rougher estimate, but the same seed gives the same numbers.
    FlowOptions few = FlowOptions.defaults().withJacobianProbes(3, 11);
    assertEquals(GradientFlow.measure(r.graph(), lastStateLoss(r), few).toCsv(),
        GradientFlow.measure(r.graph(), lastStateLoss(r), few).toCsv());
  }

  @Test
  void gatesAreReportedPerStepBesideTheState() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.lstm(4, 2, 3);
    GradientFlow flow = GradientFlow.measure(r.graph(), lastStateLoss(r),
        FlowOptions.defaults().withGates("forget_gate", "input_gate"));
    assertEquals(List.of("lstm/forget_gate", "lstm/input_gate", "lstm/h"),
        flow.series().stream().map(GradientFlow.Series::path).toList());
    for (GradientFlow.Series s : flow.series()) {
      assertEquals(List.of(0, 1, 2, 3), List.copyOf(s.norms().keySet()), s.path());
    }
    assertEquals(List.of(GradientFlow.Role.GATE, GradientFlow.Role.GATE, GradientFlow.Role.STATE),
        flow.series().stream().map(GradientFlow.Series::role).toList());
    // The forget gate at t=0 multiplies c0 = 0, so no gradient reaches it; at every other step one does.
    SortedMap<Integer, Double> forget = flow.series().get(0).norms();
    assertEquals(0.0, forget.get(0));
    assertTrue(forget.get(1) > 0 && forget.get(2) > 0 && forget.get(3) > 0, forget.toString());
    assertTrue(flow.series().get(1).norms().values().stream().allMatch(n -> n > 0), flow.toText());
  }

  @Test
  void tableAndCsvCarryTheSameNumbers() throws IOException {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(3, 3, 4, 1.0, "h");
    GradientFlow flow = GradientFlow.measure(r.graph(), lastStateLoss(r), FlowOptions.defaults().withJacobianProbes(2, 3));
    Path csv = dir.resolve("flow.csv");
    flow.writeCsv(csv);
    List<String> lines = Files.readAllLines(csv);
    assertEquals("t,‖∂L/∂rnn/h‖,‖∂h_T/∂h_t‖ rnn/h (T=2)", lines.get(0));
    assertEquals(4, lines.size());
    for (int t = 0; t < 3; t++) {
      String[] cells = lines.get(t + 1).split(",");
      assertEquals(String.valueOf(t), cells[0]);
      assertEquals(flow.series().get(0).norms().get(t), Double.parseDouble(cells[1]));
      assertEquals(flow.series().get(1).norms().get(t), Double.parseDouble(cells[2]));
    }
    String text = flow.toText();
    assertTrue(text.startsWith("gradient flow from " + r.graph().nodes().get(r.graph().size() - 1) + ", 3 steps; "
        + "‖∂h_T/∂h_t‖ is a Frobenius norm estimated with 2 random projections\n  t  ‖∂L/∂rnn/h‖  ‖∂h_T/∂h_t‖"), text);
    assertEquals(5, text.split("\n").length);
  }

  @Test
  void misuseIsNamed() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(3, 3, 4, 1.0, "a");
    IllegalArgumentException noState = assertThrows(IllegalArgumentException.class,
        () -> GradientFlow.measure(r.graph(), lastStateLoss(r), FlowOptions.defaults()));
    assertTrue(noState.getMessage().contains("no node named 'h' inside a time step"), noState.getMessage());
    IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
        () -> GradientFlow.measure(r.graph(), r.last(), FlowOptions.defaults().withState("a")));
    assertTrue(wide.getMessage().contains("must have exactly one element"), wide.getMessage());
  }
}
