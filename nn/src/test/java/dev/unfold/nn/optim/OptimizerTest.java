package dev.unfold.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each optimizer's update against values computed by hand from its equations. */
class OptimizerTest {
  private static final double TOL = 1e-14;

  /** A parameter at {@code p} whose gradient is set to {@code g} before each step. */
  private static Parameter param(double... p) {
    return new Parameter("w", Tensors.vector(p));
  }

  private static void grad(Parameter p, double... g) {
    p.zeroGrad();
    p.accumulateGrad(Tensors.vector(g));
  }

  private static void assertValue(Parameter p, double... expected) {
    TensorAssert.assertClose(Tensors.vector(expected), p.value(), TOL, TOL);
  }

  @Test
  void sgdPlainMomentumNesterovAndWeightDecay() {
    Parameter p = param(1.0, -2.0);
    Optimizer plain = Optimizer.sgd(List.of(p), 0.1);
    grad(p, 0.5, -1.0);
    plain.step();
    assertValue(p, 1.0 - 0.05, -2.0 + 0.1);

    Parameter q = param(1.0);
    Optimizer momentum = new Optimizer(List.of(q), new Sgd(0.9, false, 0), 0.1);
    grad(q, 1.0);
    momentum.step();                 // v = 1, p = 1 − 0.1
    grad(q, 2.0);
    momentum.step();                 // v = 0.9 + 2 = 2.9, p = 0.9 − 0.29
    assertValue(q, 0.9 - 0.29);

    Parameter r = param(1.0);
    Optimizer nesterov = new Optimizer(List.of(r), new Sgd(0.9, true, 0), 0.1);
    grad(r, 1.0);
    nesterov.step();                 // v = 1, update = 1 + 0.9 = 1.9
    assertValue(r, 1.0 - 0.19);
    grad(r, 2.0);
    nesterov.step();                 // v = 2.9, update = 2 + 2.61 = 4.61
    assertValue(r, 0.81 - 0.461);

    Parameter s = param(2.0);
    Optimizer decay = new Optimizer(List.of(s), new Sgd(0, false, 0.5), 0.1);
    grad(s, 1.0);
    decay.step();                    // g = 1 + 0.5·2 = 2
    assertValue(s, 2.0 - 0.2);
    assertTrue(decay.toString().contains("weightDecay=0.5"));
  }

  @Test
  void adamAndAdamW() {
    Parameter p = param(1.0);
    Optimizer adam = Optimizer.adam(List.of(p), 0.01);
    grad(p, 0.5);
    adam.step();                     // m̂ = 0.5, v̂ = 0.25: update = 0.5 / (0.5 + 1e-8)
    assertValue(p, 1.0 - 0.01 * 0.5 / (0.5 + 1e-8));
    grad(p, -1.0);
    adam.step();
    double m = 0.9 * 0.05 + 0.1 * -1.0;
    double v = 0.999 * 0.00025 + 0.001 * 1.0;
    double mHat = m / (1 - 0.81);
    double vHat = v / (1 - 0.999 * 0.999);
    assertValue(p, 1.0 - 0.01 * 0.5 / (0.5 + 1e-8) - 0.01 * mHat / (Math.sqrt(vHat) + 1e-8));

    Parameter q = param(2.0);
    Optimizer adamW = Optimizer.adamW(List.of(q), 0.1, 0.01);
    grad(q, 0.3);
    adamW.step();                    // decay the weights first, then the Adam step of size lr
    assertValue(q, 2.0 * (1 - 0.1 * 0.01) - 0.1 * 0.3 / (0.3 + 1e-8));
    Parameter r = param(2.0);
    Optimizer adamL2 = new Optimizer(List.of(r), new Adam(0.9, 0.999, 1e-8, 0.01, false), 0.1);
    grad(r, 0.3);
    adamL2.step();                   // L2 enters the gradient, which Adam then normalises: a step of lr
    assertValue(r, 2.0 - 0.1 * 0.32 / (0.32 + 1e-8));
    assertTrue(adamW.toString().startsWith("AdamW(lr=0.1"));
  }

  @Test
  void rmspropAndAdagrad() {
    Parameter p = param(1.0);
    Optimizer rms = Optimizer.rmsProp(List.of(p), 0.01);
    grad(p, 2.0);
    rms.step();                      // s = 0.01·4 = 0.04, update = 2 / 0.2
    assertValue(p, 1.0 - 0.01 * 2 / (0.2 + 1e-8));
    Parameter q = param(1.0);
    Optimizer ada = Optimizer.adagrad(List.of(q), 0.1);
    grad(q, 3.0);
    ada.step();                      // s = 9, update = 3/3 = 1
    grad(q, 4.0);
    ada.step();                      // s = 25, update = 4/5
    assertValue(q, 1.0 - 0.1 * (3 / (3 + 1e-10)) - 0.1 * (4 / (5 + 1e-10)));
  }

  @Test
  void stateRoundTripsAndResumesTheSameTrajectory() {
    for (Function<List<Parameter>, Optimizer> make : List.<Function<List<Parameter>, Optimizer>>of(
        ps -> new Optimizer(ps, new Sgd(0.9, true, 0.01), 0.1), ps -> Optimizer.adam(ps, 0.01), ps -> Optimizer.rmsProp(ps, 0.01),
        ps -> Optimizer.adagrad(ps, 0.1))) {
      Parameter a = param(1.0, 2.0);
      Optimizer oa = make.apply(List.of(a));
      double[][] grads = {{0.1, -0.2}, {0.3, 0.1}, {-0.5, 0.2}, {0.05, 0.4}};
      for (int i = 0; i < 2; i++) {
        grad(a, grads[i]);
        oa.step();
      }
      Map<String, Tensor> saved = oa.state();
      Parameter b = new Parameter("w", a.value());
      Optimizer ob = make.apply(List.of(b));
      ob.loadState(saved, oa.steps());
      for (int i = 2; i < 4; i++) {
        grad(a, grads[i]);
        oa.step();
        grad(b, grads[i]);
        ob.step();
      }
      assertEquals(a.value(), b.value(), oa.toString());
      assertEquals(4, ob.steps());
    }
  }

  @Test
  void badStateIsRejectedAndLeavesTheOptimizerUnchanged() {
    Parameter a = param(1.0);
    Optimizer adam = Optimizer.adam(List.of(a), 0.1);
    grad(a, 1.0);
    adam.step();
    Map<String, Tensor> before = adam.state();
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> adam.loadState(Map.of("m/other", Tensors.zeros(1)), 1));
    assertTrue(unknown.getMessage().contains("unknown key m/other"), unknown.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> adam.loadState(Map.of("m/w", Tensors.zeros(2)), 1));
    assertTrue(shape.getMessage().contains("m/w has shape [2], parameter has [1]"), shape.getMessage());
    assertEquals(before, adam.state());
  }

  @Test
  void clippingByGlobalNormAndByValue() {
    Parameter a = param(0, 0);
    Parameter b = param(0);
    grad(a, 3, 0);
    grad(b, 4);
    double norm = GradClip.byGlobalNorm(List.of(a, b), 1.0);
    assertEquals(5.0, norm, 1e-15);
    TensorAssert.assertClose(Tensors.vector(0.6, 0), a.grad(), 1e-15, 1e-15);
    TensorAssert.assertClose(Tensors.vector(0.8), b.grad(), 1e-15, 1e-15);
    assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-15);
    // Under the threshold nothing changes.
    assertEquals(1.0, GradClip.byGlobalNorm(List.of(a, b), 2.0), 1e-15);
    TensorAssert.assertClose(Tensors.vector(0.8), b.grad(), 1e-15, 1e-15);

    Parameter c = param(0, 0, 0);
    Parameter untouched = param(0);
    grad(c, -5, 0.5, 2);
    grad(untouched, 9);
    assertEquals(5.0, GradClip.byValue(List.of(c), 1.0));  // only the chosen group
    assertEquals(Tensors.vector(-1, 0.5, 1), c.grad());
    assertEquals(Tensors.vector(9), untouched.grad());
    assertThrows(IllegalArgumentException.class, () -> GradClip.byValue(List.of(c), 0));
  }

  @Test
  void learningRateSchedules() {
    assertEquals(0.1 * 0.5 * 0.5, LearningRateSchedule.step(0.1, 10, 0.5).rate(25), 1e-15);
    assertEquals(0.1 * Math.pow(0.9, 3), LearningRateSchedule.exponential(0.1, 0.9).rate(3), 1e-15);
    LearningRateSchedule cos = LearningRateSchedule.cosine(1.0, 0.1, 100);
    assertEquals(1.0, cos.rate(0), 1e-15);
    assertEquals(0.55, cos.rate(50), 1e-12);
    assertEquals(0.1, cos.rate(100), 1e-15);
    assertEquals(0.1, cos.rate(1000), 1e-15);
    LearningRateSchedule warm = LearningRateSchedule.constant(0.4).withWarmup(4);
    assertEquals(0.1, warm.rate(0), 1e-15);
    assertEquals(0.4, warm.rate(3), 1e-15);
    assertEquals(0.4, warm.rate(10), 1e-15);
    assertEquals(1.0, cos.withWarmup(10).rate(10), 1e-15);
  }
}
