package dev.unfold.graph;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * A weight used by several matmuls receives each product {@code aᵀ·dz} straight into its running
 * gradient (MatMul's sink pullback): the sum must equal the products formed and added one by one.
 */
class SharedWeightGradientTest {

  private static Tensor[] run(boolean anomaly) {
    Well19937c rng = new Well19937c(4);
    Parameter w = new Parameter("w", Tensors.normal(rng, Shape.of(6, 6), 0, 0.4));
    Tensor x0 = Tensors.normal(rng, Shape.of(3, 6), 0, 1);
    Tensor seq = Tensors.normal(rng, Shape.of(2, 3, 6), 0, 1);
    Graph g = new Graph();
    g.setAnomalyDetection(anomaly);
    Node wn = g.param(w);
    Node h = g.constant(x0);
    for (int t = 0; t < 4; t++) {
      h = h.matmul(wn).tanh();
    }
    Node batched = g.constant(seq).matmul(wn);  // a rank-3 batch against the shared weight
    Node loss = h.sum().add(batched.square().sum());
    g.backward(loss);
    return new Tensor[] {w.grad(), h.value()};
  }

  @Test
  void productsAddedInPlaceMatchProductsFormedOneByOne() {
    // With anomaly detection on, the graph forms every product before adding it (the old way).
    Tensor[] inPlace = run(false);
    Tensor[] formed = run(true);
    TensorAssert.assertClose(formed[1], inPlace[1], 0, 0);
    TensorAssert.assertClose(formed[0], inPlace[0], 1e-13, 1e-15);
  }

  @Test
  void constantInputsGetNoGradientAndParametersDo() {
    Well19937c rng = new Well19937c(5);
    Parameter w = new Parameter("w", Tensors.normal(rng, Shape.of(4, 2), 0, 1));
    Graph g = new Graph();
    Node x = g.constant(Tensors.normal(rng, Shape.of(3, 4), 0, 1));
    Node y = x.matmul(g.param(w));
    g.backward(y.sum(), Tensors.ones(Shape.scalar()), BackwardOptions.defaults().withRetainGrads(true));
    assertFalse(x.hasGrad());
    assertTrue(y.hasGrad());
    TensorAssert.assertClose(x.value().transpose().matmul(Tensors.ones(3, 2)), w.grad(), 1e-15, 0);
  }
}
