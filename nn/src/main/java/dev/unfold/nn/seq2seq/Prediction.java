package dev.unfold.nn.seq2seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Tensor;
import org.apache.commons.math3.random.RandomGenerator;

/** How a decoder's output at step t−1 becomes what it reads at step t when it feeds itself. */
@FunctionalInterface
public interface Prediction {
  Node next(Graph g, Node output);

  /** The output itself, for continuous outputs (the gradient flows through the fed-back value). */
  static Prediction identity() {
    return (g, output) -> output;
  }

  /** The one-hot of the arg-max class of logits [B×V]: a constant, as a discrete choice has no gradient. */
  static Prediction argmaxOneHot() {
    return (g, logits) -> g.constant("prediction", oneHot(argmax(logits.value()), logits.shape().dim(1)));
  }

  /** The one-hot of a class sampled from softmax(logits / temperature), seeded by {@code rng}. */
  static Prediction sampledOneHot(double temperature, RandomGenerator rng) {
    return (g, logits) -> g.constant("prediction",
        oneHot(Sampling.sample(logits.value(), temperature, 0, rng), logits.shape().dim(1)));
  }

  /** Arg-max per row of [B×V]. */
  static int[] argmax(Tensor logits) {
    int batch = logits.shape().dim(0);
    int classes = logits.shape().dim(1);
    int[] out = new int[batch];
    for (int b = 0; b < batch; b++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double v = logits.get(b, c);
        if (v > best) {
          best = v;
          out[b] = c;
        }
      }
    }
    return out;
  }

  /** One-hot rows [B×V]. */
  static Tensor oneHot(int[] classes, int depth) {
    return Tensor.oneHot(classes, dev.unfold.tensor.Shape.of(classes.length), depth);
  }

}
