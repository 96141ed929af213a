package dev.unfold.examples.demo;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.graph.Scope;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * A small real run of the engine: an Elman RNN {@code h_t = tanh(x_t·U + h_{t−1}·W + b)} with a
 * linear readout {@code ŷ = h_T·V + c} learns the sum of a random sequence by plain gradient
 * descent. Backprop-through-time is the generic backward pass over the unrolled graph.
 */
public final class FitDemo {
  /** Settings of one run. */
  public record Settings(int steps, long seed, double learningRate, int hidden, int length, int batch, int printEvery) {
    public static Settings defaults() {
      return new Settings(400, 42, 0.05, 16, 8, 32, 25);
    }
  }

  private final Settings settings;
  private final RandomGenerator rng;
  private final Parameter u;
  private final Parameter w;
  private final Parameter b;
  private final Parameter v;
  private final Parameter c;

  public FitDemo(Settings settings) {
    this.settings = settings;
    this.rng = new Well19937c(settings.seed());
    int hid = settings.hidden();
    double scale = 1 / Math.sqrt(hid);
    u = new Parameter("rnn/U", Tensors.normal(rng, Shape.of(1, hid), 0, 0.3));
    w = new Parameter("rnn/W", Tensors.normal(rng, Shape.of(hid, hid), 0, scale));
    b = new Parameter("rnn/b", Tensors.zeros(hid));
    v = new Parameter("head/V", Tensors.normal(rng, Shape.of(hid, 1), 0, scale));
    c = new Parameter("head/c", Tensors.zeros(1));
  }

  /** Trains and returns the loss of every step; prints progress to {@code out}. */
  public List<Double> run(PrintStream out) {
    out.printf(Locale.ROOT, "Elman RNN (hidden %d) learning the sum of %d numbers in U(-1, 1), batch %d, "
        + "gradient descent lr %.3g%n", settings.hidden(), settings.length(), settings.batch(), settings.learningRate());
    List<Parameter> params = List.of(u, w, b, v, c);
    List<Double> losses = new ArrayList<>();
    for (int step = 1; step <= settings.steps(); step++) {
      Tensor xs = Tensors.uniform(rng, Shape.of(settings.length(), settings.batch(), 1), -1, 1);
      Tensor target = xs.sum(0, false);  // [batch × 1]
      Graph g = new Graph();
      Node loss = loss(g, xs, target);
      g.backward(loss);
      for (Parameter p : params) {
        p.set(p.value().sub(p.grad().scale(settings.learningRate())));
        p.zeroGrad();
      }
      losses.add(loss.value().item());
      if (step % settings.printEvery() == 0 || step == settings.steps()) {
        int from = Math.max(0, losses.size() - settings.printEvery());
        double mean = losses.subList(from, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        out.printf(Locale.ROOT, "step %4d  mean loss of the last %d steps %.5f  (graph of %d nodes)%n",
            step, losses.size() - from, mean, g.size());
      }
    }
    return losses;
  }

  private Node loss(Graph g, Tensor xs, Tensor target) {
    Node h = g.constant("h0", Tensors.zeros(settings.batch(), settings.hidden()));
    try (Scope rnn = g.scope("rnn")) {
      for (int t = 0; t < settings.length(); t++) {
        try (Scope s = g.timeStep(t)) {
          Tensor xt = xs.slice(0, t, t + 1).reshape(Shape.of(settings.batch(), 1));
          h = g.constant("x", xt).matmul(g.param(u)).add(h.matmul(g.param(w))).add(g.param(b)).tanh().named("h");
        }
      }
    }
    Node prediction = h.matmul(g.param(v)).add(g.param(c)).named("y_hat");
    return prediction.sub(g.constant("y", target)).square().mean().named("mse");
  }
}
