package dev.unfold.check;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.op.Tanh;
import dev.unfold.op.UnaryOp;
import dev.unfold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The checker itself: it must fail on wrong gradients, not only pass on right ones. */
class GradCheckTest {

  /** tanh with a deliberately wrong backward: forgets to square y. */
  private static final class WrongTanh implements UnaryOp {
    @Override public String name() { return "wrong_tanh"; }
    @Override public Tensor forward(Tensor x) { return x.map(Math::tanh); }
    @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.zip(y, (g, t) -> g * (1 - t)); }
  }

  @Test
  void failsOnADeliberatelyWrongBackward() {
    GradCheckFailure failure = assertThrows(GradCheckFailure.class,
        () -> GradCheck.of(new WrongTanh()).inputs(signed(1, 3, 4)).check());
    String msg = failure.getMessage();
    assertTrue(msg.contains("wrong_tanh"), msg);
    assertTrue(msg.contains("input 0"), msg);
    assertTrue(msg.contains("FAILED"), msg);
    assertTrue(msg.contains("analytic") && msg.contains("numeric"), msg);
    assertFalse(failure.report().passed());
  }

  @Test
  void failsWithACoarseStepOnACurvedFunction() {
    // With ε = 0.1 the central difference of tanh is off by O(ε²·tanh''') ≈ 1e-3, far above tolerance.
    GradCheckReport report = GradCheck.of(new Tanh()).inputs(signed(2, 3, 4)).step(0.1).run();
    assertFalse(report.passed(), report.toString());
  }

  @Test
  void failsWhenAGradientIsMissing() {
    // A function that uses its input but whose gradient was cut: analytic 0, numeric ≠ 0.
    GradCheckReport report = GradCheck.of("detach(x)²", in -> in.get(0).detach().square())
        .inputs(signed(3, 2, 2)).run();
    assertFalse(report.passed(), report.toString());
  }

  @Test
  void passesOnTheCorrectOpAndReportsErrors() {
    GradCheckReport report = GradCheck.of(new Tanh()).inputs(signed(4, 3, 4)).check();
    assertTrue(report.passed());
    assertTrue(report.inputs().get(0).worstAbsError() < 1e-7, report.toString());
  }

  @Test
  void checksParametersUsedByTheFunctionAndLeavesThemUntouched() {
    Parameter w = new Parameter("w", signed(5, 3, 2));
    Tensor before = w.value();
    GradCheckReport report = GradCheck.of("x·w", in -> in.get(0).matmul(in.get(0).graph().param(w)).tanh())
        .inputs(signed(6, 4, 3)).parameters(w).check();
    assertTrue(report.toString().contains("parameter w"), report.toString());
    assertTrue(before.equals(w.value()), "parameter value restored");
    assertTrue(w.grad().equals(dev.unfold.tensor.Tensors.zeros(3, 2)), "parameter gradient restored");
  }

  @Test
  void wrongParameterGradientFails() {
    Parameter w = new Parameter("w", signed(7, 3));
    GradCheckReport report = GradCheck.of("wrong_tanh(w)·x", in -> {
      Graph g = in.get(0).graph();
      Node wt = g.apply(new WrongTanh(), g.param(w));
      return wt.mul(in.get(0));
    }).inputs(signed(8, 3)).parameters(w).run();
    assertFalse(report.passed(), report.toString());
  }
}
