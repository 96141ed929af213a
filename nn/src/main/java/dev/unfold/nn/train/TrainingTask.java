package dev.unfold.nn.train;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * What to train: builds the graph for a minibatch of examples and returns its scalar loss.
 * Called with a recording graph for training and with {@code Graph.inference()} (no gradients,
 * dropout off) for validation.
 */
@FunctionalInterface
public interface TrainingTask<E> {
  /** The loss of {@code batch}; extra numbers (accuracy, …) go into {@code metrics}. */
  Node loss(Graph g, List<E> batch, Map<String, Double> metrics);

  /** Tokens (time steps) in a batch, for the tokens-per-second figure; one per example by default. */
  default long tokens(List<E> batch) {
    return batch.size();
  }
}
