package dev.unfold.nn.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq.Stacked;
import dev.unfold.nn.seq.Unidirectional;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * A user-defined cell, stacked two deep over variable-length batches, learns to recall the
 * first value of each sequence at its last valid step; its loss falls well below its start.
 */
class CustomCellTrainingTest {

  @Test
  void stackedUserCellLearnsToRememberTheFirstInput() {
    Params p = Params.seeded("model", 3);
    SequenceLayer net = new Stacked(List.of(
        new Unidirectional(new MinimalGatedUnit(p.child("l0"), 1, 8)),
        new Unidirectional(new MinimalGatedUnit(p.child("l1"), 8, 8))));
    Linear head = new Linear(p.child("head"), 8, 1);
    Well19937c rng = new Well19937c(4);
    int batch = 16;
    int steps = 6;
    double lr = 0.1;
    double[] losses = new double[400];
    for (int it = 0; it < losses.length; it++) {
      Tensor xs = Tensors.uniform(rng, Shape.of(steps, batch, 1), -1, 1);
      int[] lengths = new int[batch];
      for (int b = 0; b < batch; b++) {
        lengths[b] = 3 + rng.nextInt(steps - 2);
      }
      Tensor target = xs.slice(0, 0, 1).reshape(Shape.of(batch, 1));
      Graph g = new Graph();
      SequenceLayer.Output out = net.run(g, g.constant(xs), Lengths.of(lengths), null);
      Node last = out.finalStates().get(1).h();  // the top layer's last valid state
      Node loss = head.apply(g, last).sub(g.constant(target)).square().mean();
      g.backward(loss);
      for (Parameter q : p.all()) {
        q.set(q.value().sub(q.grad().scale(lr)));
        q.zeroGrad();
      }
      losses[it] = loss.value().item();
    }
    double first = mean(losses, 0, 20);
    double last = mean(losses, losses.length - 20, losses.length);
    assertTrue(last < first / 5, "loss fell only from " + first + " to " + last);
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }
}
