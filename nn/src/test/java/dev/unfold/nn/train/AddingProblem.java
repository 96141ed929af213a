package dev.unfold.nn.train;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The adding problem (Hochreiter and Schmidhuber 1997): each step carries a value in [0, 1) and
 * a marker; exactly two steps are marked, and the target is the sum of their values. Predicting
 * the mean (1.0) scores a mean squared error of about 1/6.
 */
final class AddingProblem implements TrainingTask<AddingProblem.Example> {
  record Example(double[] values, int first, int second) {
    double target() {
      return values[first] + values[second];
    }
  }

  final Params params;
  final LstmCell cell;
  final Linear head;
  final int steps;

  AddingProblem(long seed, int steps, int hidden) {
    this.params = Params.seeded("adding", seed);
    this.cell = new LstmCell(params.child("lstm"), 2, hidden, LstmCell.Options.defaults().withForgetBias(1));
    this.head = new Linear(params.child("head"), hidden, 1);
    this.steps = steps;
  }

  static List<Example> examples(RandomGenerator rng, int count, int steps) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double[] v = new double[steps];
      for (int t = 0; t < steps; t++) {
        v[t] = rng.nextDouble();
      }
      int a = rng.nextInt(steps / 2);
      int b = steps / 2 + rng.nextInt(steps - steps / 2);
      out.add(new Example(v, a, b));
    }
    return out;
  }

  /** [T×B×2] inputs: value and marker per step. */
  Tensor inputs(List<Example> batch) {
    double[] x = new double[steps * batch.size() * 2];
    for (int b = 0; b < batch.size(); b++) {
      Example e = batch.get(b);
      for (int t = 0; t < steps; t++) {
        int o = (t * batch.size() + b) * 2;
        x[o] = e.values()[t];
        x[o + 1] = t == e.first() || t == e.second() ? 1 : 0;
      }
    }
    return Tensors.of(Shape.of(steps, batch.size(), 2), x);
  }

  Node predict(Graph g, List<Example> batch) {
    State last = Unroller.unroll(g, cell, g.constant("x", inputs(batch)), State.zeros(g, cell, batch.size())).last();
    return head.apply(g, last.h());
  }

  @Override
  public Node loss(Graph g, List<Example> batch, Map<String, Double> metrics) {
    double[] y = batch.stream().mapToDouble(Example::target).toArray();
    Node prediction = predict(g, batch);
    Tensor target = Tensors.of(Shape.of(batch.size(), 1), y);
    Node loss = Losses.meanSquaredError(g, prediction, target, LossOptions.mean());
    // Accuracy: a prediction within 0.04 of the sum counts as right (Le, Jaitly and Hinton 2015's threshold).
    int right = 0;
    for (int b = 0; b < y.length; b++) {
      right += Math.abs(prediction.value().get(b, 0) - y[b]) < 0.04 ? 1 : 0;
    }
    metrics.put("accuracy", right / (double) y.length);
    return loss;
  }

  @Override
  public long tokens(List<Example> batch) {
    return (long) batch.size() * steps;
  }
}
