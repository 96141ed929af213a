package dev.unfold.op;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused {@link SoftmaxCrossEntropy} against the composite it replaces,
 * {@code −sum(onehot(t) ⊙ logSoftmax(z), −1)}: the same forward bits in float64 and close in float32
 * (computed in float), the same gradient within rounding, and clear errors for bad targets.
 */
class SoftmaxCrossEntropyTest {

  private static Node composite(Node logits, Node targets) {
    return targets.oneHot(logits.shape().dim(-1)).mul(logits.logSoftmax(-1)).sum(-1, false).neg();
  }

  /** Logits [lines × classes] of magnitude up to 8 and one target per line, seeded. */
  private static Tensor[] inputs(long seed, int lines, int classes) {
    Random r = new Random(seed);
    int[] t = new int[lines];
    for (int i = 0; i < lines; i++) {
      t[i] = r.nextInt(classes);
    }
    return new Tensor[] {signed(seed, lines, classes).scale(8), Tensors.indices(t)};
  }

  /**
   * Runs {@code loss = Σ w ⊙ f(logits, targets)} forward and backward in a graph of the logits'
   * type; returns the per-position values and dL/dlogits.
   */
  private static Tensor[] run(BiFunction<Node, Node, Node> f, Tensor logits, Tensor targets, Tensor weights) {
    Graph g = new Graph(logits.dtype());
    Parameter p = new Parameter("logits", logits);
    Node perPosition = f.apply(g.param(p), g.constant("targets", targets));
    g.backward(perPosition.mul(g.constant("w", weights)).sum());
    return new Tensor[] {perPosition.value(), p.grad()};
  }

  @ParameterizedTest(name = "seed {0}: [{1}×{2}] {3}")
  @CsvSource({
      "1, 5, 3, FLOAT64", "2, 5, 3, FLOAT32",
      "3, 32, 65, FLOAT64", "4, 32, 65, FLOAT32",
      // above the size that splits lines over threads
      "5, 1600, 64, FLOAT64", "6, 1600, 64, FLOAT32"})
  void matchesTheCompositeItReplaces(long seed, int lines, int classes, DType dtype) {
    Tensor[] in = inputs(seed, lines, classes);
    Tensor logits = in[0].to(dtype);
    Tensor weights = signed(seed + 100, lines).to(dtype);
    Tensor[] fused = run(Node::softmaxCrossEntropy, logits, in[1], weights);
    Tensor[] plain = run(SoftmaxCrossEntropyTest::composite, logits, in[1], weights);
    assertEquals(dtype, fused[0].dtype());
    // NOTE: the composite's one-hot constant is float64, so its float32 log-probabilities come
    // out widened (exactly); the fused op keeps the logits' type, and computes in float there.
    if (dtype == DType.FLOAT64) {
      assertEquals(plain[0], fused[0], "the same forward bits");
    } else {
      for (int i = 0; i < lines; i++) {
        double expected = plain[0].getFlat(i);
        // within 3 ulp, plus the rounding of x − max in float (the logits here lie in [−8, 8])
        assertEquals(expected, fused[0].getFlat(i), 3 * Math.ulp((float) expected) + Math.ulp(16f), "position " + i);
      }
    }
    assertEquals(dtype, logits.softmaxCrossEntropyVjp(weights, in[1].toIntArray("t")).dtype());
    double tolerance = dtype == DType.FLOAT32 ? 2e-6 : 1e-14;
    for (int i = 0; i < fused[1].size(); i++) {
      double a = fused[1].getFlat(i);
      double b = plain[1].getFlat(i);
      assertEquals(b, a, tolerance * Math.max(1, Math.abs(b)), "gradient element " + i);
    }
  }

  @Test
  void gradientRowsSumToZeroAndPullTheTargetDown() {
    Tensor logits = Tensors.of(new double[][] {{1000, 999, -1000, 0.5}, {-3, 2, 0, 1}});
    Tensor targets = Tensors.indices(1, 0);
    Tensor dz = logits.softmaxCrossEntropyVjp(Tensors.vector(1, 1), targets.toIntArray("t"));
    for (int row = 0; row < 2; row++) {
      double sum = 0;
      for (int j = 0; j < 4; j++) {
        sum += dz.getFlat(row * 4 + j);
      }
      assertEquals(0, sum, 1e-15);
    }
    assertTrue(dz.getFlat(1) < 0 && dz.getFlat(4) < 0, dz.toString());
    assertEquals(Math.log1p(Math.exp(-1)), logits.softmaxCrossEntropy(new int[] {0, 1}).getFlat(0), 1e-15);
  }

  @Test
  void badTargetsNameTheOpThePositionAndTheShapes() {
    Graph g = new Graph();
    Node logits = g.constant("z", signed(7, 2, 3, 4));
    IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class,
        () -> logits.softmaxCrossEntropy(g.constant("t", Tensors.of(new double[][] {{0, 1, 2}, {3, 4, 0}}))));
    assertTrue(range.getMessage().contains("softmax_cross_entropy: target 4 at position 4 is outside [0, 4)"),
        range.getMessage());
    assertTrue(range.getMessage().contains("[2×3×4]") || range.getMessage().contains("[2, 3, 4]"), range.getMessage());
    ShapeException shape = assertThrows(ShapeException.class,
        () -> logits.softmaxCrossEntropy(g.constant("t", Tensors.indices(0, 1, 2))));
    assertTrue(shape.getMessage().startsWith("softmax_cross_entropy"), shape.getMessage());
    assertTrue(shape.getMessage().contains(Shape.of(2, 3).toString()), shape.getMessage());
    IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
        () -> logits.softmaxCrossEntropy(g.constant("t", Tensors.of(new double[][] {{0, 1.5, 2}, {3, 1, 0}}))));
    assertTrue(fraction.getMessage().contains("softmax_cross_entropy targets"), fraction.getMessage());
  }
}
