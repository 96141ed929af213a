package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Softmax cross-entropy per position: inputs {@code (logits [I…×C], targets [I…])}, the targets
 * whole-number class indices, give {@code y [I…] = −log softmax(logits)[…, target]}. VJP:
 * {@code dlogits = dy·(softmax(logits) − onehot(target))}; the targets get no gradient.
 *
 * <p>The fused form of {@code −sum(onehot(t) ⊙ logSoftmax(z), −1)}, through the same stable
 * log-softmax (see {@link LogSoftmax}; in float64 the same forward values bit for bit, in float32
 * computed in float): one node and one pass over the logits each way instead of five nodes, a
 * one-hot tensor and a log-probability tensor.
 */
public final class SoftmaxCrossEntropy implements Op {
  @Override public String name() { return "softmax_cross_entropy"; }

  @Override public Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 2);
    Shape logits = in.get(0);
    if (logits.rank() < 1 || !logits.without(-1).equals(in.get(1))) {
      throw ShapeException.of("%s: logits %s need targets of shape %s, got %s", name(), logits,
          logits.rank() < 1 ? "[…] (logits need a class axis)" : logits.without(-1), in.get(1));
    }
    return in.get(1);
  }

  @Override public Applied apply(Tensor... in) {
    Tensor logits = in[0];
    int[] targets = in[1].toIntArray(name() + " targets");
    Tensor y = logits.softmaxCrossEntropy(targets);
    return new Applied(y, dy -> new Tensor[] {logits.softmaxCrossEntropyVjp(dy, targets), null});
  }
}
