package dev.unfold.nn.loss;

import static dev.unfold.testing.JsonFixtures.tensor;
import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unfold.check.GradCheck;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LossesTest {
  private static final Tensor TARGETS = Tensors.of(new double[][] {{0, 2}, {1, 1}, {2, 0}});  // [T=3 × B=2]
  private static final Tensor MASK = Tensors.of(new double[][] {{1, 1}, {1, 0}, {1, 0}});

  @Test
  void sigmoidCrossEntropyOpPassesTheGradientCheck() {
    GradCheck.of(new SigmoidCrossEntropy()).inputs(signed(1, 3, 4).scale(4), Tensors.uniform(
        new org.apache.commons.math3.random.Well19937c(2), Shape.of(3, 4), 0, 1)).check();
  }

  @Test
  void sigmoidCrossEntropyIsStableForLargeLogits() {
    Tensor z = Tensors.vector(-1000, -30, 30, 1000);
    Tensor y = Tensors.vector(1, 0, 1, 0);
    Tensor l = new SigmoidCrossEntropy().forward(z, y);
    TensorAssert.assertClose(Tensors.vector(1000, Math.log1p(Math.exp(-30)), Math.log1p(Math.exp(-30)), 1000), l, 1e-12, 1e-15);
  }

  @Test
  void lossesPassTheGradientCheckWithMasksAndWeights() {
    LossOptions masked = LossOptions.mean().withMask(MASK).withClassWeights(Tensors.vector(0.5, 2, 1));
    GradCheck.of("softmax cross-entropy, masked, class weights",
        in -> Losses.softmaxCrossEntropy(in.get(0).graph(), in.get(0), TARGETS, masked)).inputs(signed(3, 3, 2, 3)).check();
    GradCheck.of("binary cross-entropy, masked, sum", in -> Losses.binaryCrossEntropy(in.get(0).graph(), in.get(0),
        Tensors.of(new double[][] {{1, 0}, {0.3, 1}, {0, 0}}), LossOptions.sum().withMask(MASK))).inputs(signed(4, 3, 2)).check();
    GradCheck.of("mse, masked", in -> Losses.meanSquaredError(in.get(0).graph(), in.get(0), signed(5, 3, 2),
        LossOptions.mean().withMask(MASK))).inputs(signed(6, 3, 2)).check();
  }

  @Test
  void maskedPositionsAddNothingAndDoNotDiluteTheMean() {
    Tensor logits = signed(7, 3, 2, 3);
    Graph g = new Graph();
    Node full = Losses.softmaxCrossEntropy(g, g.constant(logits), TARGETS, LossOptions.mean().withMask(MASK));
    // The same loss from the valid positions alone.
    double sum = 0;
    int count = 0;
    for (int t = 0; t < 3; t++) {
      for (int b = 0; b < 2; b++) {
        if (MASK.get(t, b) == 1) {
          Tensor row = logits.slice(0, t, t + 1).slice(1, b, b + 1).reshape(Shape.of(3));
          sum -= row.logSoftmax(0).getFlat((int) TARGETS.get(t, b));
          count++;
        }
      }
    }
    assertEquals(sum / count, full.value().item(), 1e-12);
    // Garbage (but finite) logits and out-of-range targets at masked positions change nothing.
    Tensor garbage = logits.add(Tensors.of(Shape.of(3, 2, 3), new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 50, -50, 9, 0, 0, 0, 7, 7, 7}));
    Tensor badTargets = Tensors.of(new double[][] {{0, 2}, {1, -1}, {2, 99}});
    assertEquals(full.value().item(),
        Losses.softmaxCrossEntropy(g, g.constant(garbage), badTargets, LossOptions.mean().withMask(MASK)).value().item(), 1e-12);
  }

  @Test
  void clearErrors() {
    Graph g = new Graph();
    Node logits = g.constant(signed(8, 3, 2, 3));
    ShapeException shape = assertThrows(ShapeException.class,
        () -> Losses.softmaxCrossEntropy(g, logits, Tensors.zeros(2, 3), LossOptions.mean()));
    assertTrue(shape.getMessage().contains("logits [3×2×3] need targets of shape [3×2], got [2×3]"), shape.getMessage());
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> Losses.softmaxCrossEntropy(g, logits, Tensors.of(new double[][] {{0, 3}, {0, 0}, {0, 0}}), LossOptions.mean()));
    assertTrue(range.getMessage().contains("target 3 at position 1 is outside [0, 3)"), range.getMessage());
    IllegalArgumentException allMasked = assertThrows(IllegalArgumentException.class,
        () -> Losses.meanSquaredError(g, g.constant(Tensors.zeros(2)), Tensors.zeros(2), LossOptions.mean().withMask(Tensors.zeros(2))));
    assertTrue(allMasked.getMessage().contains("every position is masked out"), allMasked.getMessage());
    assertThrows(ShapeException.class, () -> Losses.meanSquaredError(g, g.constant(Tensors.zeros(2)), Tensors.zeros(2),
        LossOptions.mean().withMask(Tensors.zeros(3))));
  }

  static Stream<JsonNode> torchCases() {
    return dev.unfold.testing.JsonFixtures.cases("/fixtures/losses.json").stream();
  }

  /**
   * Loss values and gradients against PyTorch ({@code tools/fixtures/make_loss_fixture.py}), with
   * fused ops (softmax cross-entropy as one node) and without (the composite).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("torchCases")
  void matchesPyTorch(JsonNode c) {
    matchesPyTorch(c, true);
    matchesPyTorch(c, false);
  }

  private static void matchesPyTorch(JsonNode c, boolean fusedOps) {
    Graph g = new Graph();
    g.setFusedOps(fusedOps);
    Node logits = g.variable("logits", tensor(c.get("logits")));
    LossOptions o = (c.get("reduction").asText().equals("sum") ? LossOptions.sum() : LossOptions.mean())
        .withMask(tensor(c.get("mask")));
    Tensor targets = tensor(c.get("targets"));
    Node loss = switch (c.get("kind").asText()) {
      case "softmax_ce" -> Losses.softmaxCrossEntropy(g, logits, targets, o.withClassWeights(tensor(c.get("class_weights"))));
      case "bce" -> Losses.binaryCrossEntropy(g, logits, targets, o);
      case "mse" -> Losses.meanSquaredError(g, logits, targets, o);
      default -> throw new AssertionError(c.get("kind").asText());
    };
    assertEquals(c.get("loss").asDouble(), loss.value().item(), 1e-10 * Math.max(1, Math.abs(c.get("loss").asDouble())));
    g.backward(loss);
    TensorAssert.assertClose(tensor(c.get("grad")), logits.grad(), 1e-9, 1e-12);
  }
}
