package dev.unfold.nn.loss;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.Locale;

/**
 * Losses as scalar nodes. Each computes a loss per position (every time step of every sequence),
 * weights it by the mask and class weights, and sums or averages: {@code MEAN} divides by the
 * total weight, so padded steps neither add loss nor dilute the average.
 */
public final class Losses {
  private Losses() {}

  /**
   * Softmax cross-entropy of logits [… × C] against whole-number class targets [… ] (for a
   * sequence, logits [T×B×C] and targets [T×B]); {@code −log softmax(z)[target]} per position,
   * from the logits through the stable log-softmax: one fused node ({@code softmax_cross_entropy}),
   * or on a graph with fused ops off the composite {@code −sum(one_hot ⊙ log_softmax)}.
   */
  public static Node softmaxCrossEntropy(Graph g, Node logits, Tensor targets, LossOptions options) {
    Shape ls = logits.shape();
    if (ls.rank() < 1 || !ls.without(-1).equals(targets.shape())) {
      throw ShapeException.of("softmax_cross_entropy: logits %s need targets of shape %s, got %s", ls,
          ls.rank() < 1 ? "?" : ls.without(-1), targets.shape());
    }
    int classes = ls.dim(-1);
    int[] t = targets.toIntArray("softmax_cross_entropy targets");
    double[] w = weights(options, targets.shape(), "softmax_cross_entropy");
    if (options.classWeights().isPresent()) {
      Tensor cw = options.classWeights().get();
      if (!cw.shape().equals(Shape.of(classes))) {
        throw ShapeException.of("softmax_cross_entropy: class weights %s, expected [%d]", cw.shape(), classes);
      }
      for (int i = 0; i < t.length; i++) {
        if (t[i] >= 0 && t[i] < classes) {
          w[i] *= cw.getFlat(t[i]);
        }
      }
    }
    for (int i = 0; i < t.length; i++) {
      if (w[i] != 0 && (t[i] < 0 || t[i] >= classes)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "softmax_cross_entropy: target %d at position %d is outside [0, %d)", t[i], i, classes));
      }
      if (w[i] == 0) {
        t[i] = 0;  // masked positions may hold any placeholder, for example −1
      }
    }
    Node classIndices = g.constant("targets", Tensors.indices(t).reshape(targets.shape()));
    Node nll = (g.isFusedOps()
        ? logits.softmaxCrossEntropy(classIndices)
        : classIndices.oneHot(classes).mul(logits.logSoftmax(-1)).sum(-1, false).neg()).named("nll");
    return reduce(g, nll, w, options, "softmax_cross_entropy").named("cross_entropy");
  }

  /**
   * Binary cross-entropy per position, {@code −y log ŷ − (1 − y) log(1 − ŷ)} with ŷ = σ(logits),
   * computed from the logits; targets in [0, 1], shaped like the logits.
   */
  public static Node binaryCrossEntropy(Graph g, Node logits, Tensor targets, LossOptions options) {
    double[] w = weights(options, logits.shape(), "binary_cross_entropy");
    if (options.classWeights().isPresent()) {
      throw new IllegalArgumentException("binary_cross_entropy: class weights are for softmax cross-entropy");
    }
    for (int i = 0; i < targets.size(); i++) {
      double y = targets.getFlat(i);
      if (w[i] != 0 && !(y >= 0 && y <= 1)) {
        throw new IllegalArgumentException("binary_cross_entropy: target " + y + " at position " + i + " is outside [0, 1]");
      }
    }
    Node per = g.apply(new SigmoidCrossEntropy(), logits, g.constant("targets", targets)).named("bce");
    return reduce(g, per, w, options, "binary_cross_entropy").named("binary_cross_entropy");
  }

  /** Squared error per element, {@code (prediction − target)²}; the mask is shaped like the targets. */
  public static Node meanSquaredError(Graph g, Node prediction, Tensor target, LossOptions options) {
    if (!prediction.shape().equals(target.shape())) {
      throw ShapeException.of("mse: prediction %s and target %s differ in shape", prediction.shape(), target.shape());
    }
    if (options.classWeights().isPresent()) {
      throw new IllegalArgumentException("mse: class weights are for softmax cross-entropy");
    }
    double[] w = weights(options, target.shape(), "mse");
    Node per = prediction.sub(g.constant("target", target)).square().named("squared_error");
    return reduce(g, per, w, options, "mse").named("mse");
  }

  /** The mask as per-position weights (all ones without a mask). */
  private static double[] weights(LossOptions options, Shape positions, String loss) {
    if (options.mask().isEmpty()) {
      double[] ones = new double[positions.size()];
      java.util.Arrays.fill(ones, 1.0);
      return ones;
    }
    Tensor m = options.mask().get();
    if (!m.shape().equals(positions)) {
      throw ShapeException.of("%s: mask %s must have the shape of the targets, %s", loss, m.shape(), positions);
    }
    return m.toArray();
  }

  private static Node reduce(Graph g, Node perPosition, double[] w, LossOptions options, String loss) {
    double total = 0;
    for (double v : w) {
      total += v;
    }
    Node weighted = perPosition.mul(g.constant("weights", Tensors.of(perPosition.shape(), w))).sum();
    if (options.reduction() == Reduction.SUM) {
      return weighted;
    }
    if (total == 0) {
      throw new IllegalArgumentException(loss + ": every position is masked out (total weight 0), so the mean is undefined");
    }
    return weighted.mul(1.0 / total);
  }
}
