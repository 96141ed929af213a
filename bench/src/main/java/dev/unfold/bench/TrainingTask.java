package dev.unfold.bench;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.NodeTimer;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.cell.ElmanCell;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.random.Well19937c;

/**
 * One recurrent model and its data, with the training step that {@code torch_rnn_bench.py}
 * times: forward over the whole sequence, a linear head on every step's output (applied once
 * to the stacked [T×B×hid] outputs), softmax cross-entropy averaged over all T·B positions,
 * backward, and a plain SGD update followed by clearing the gradients.
 */
final class TrainingTask {
  /** The two configurations of the PyTorch script. */
  enum Config {
    /** batch 32, T 50, input 64 (normal), hidden 256, 64 classes. */
    STD(32, 50, 64, 256, 64, false),
    /** min-char-rnn: batch 1, T 25, 65 one-hot inputs, hidden 100, 65 classes. */
    SMALL(1, 25, 65, 100, 65, true),
    /**
     * batch 16, T 50, input 64 (normal), hidden 128, 64 classes: per-step products of 0.5–2 MFLOP,
     * between the other two. Not in the table nor the JMH suite; for {@link StepProfile},
     * {@link BuildComparison} and {@link PeerComparison}.
     */
    MID(16, 50, 64, 128, 64, false);

    final int batch;
    final int steps;
    final int input;
    final int hidden;
    final int classes;
    final boolean oneHot;

    Config(int batch, int steps, int input, int hidden, int classes, boolean oneHot) {
      this.batch = batch;
      this.steps = steps;
      this.input = input;
      this.hidden = hidden;
      this.classes = classes;
      this.oneHot = oneHot;
    }
  }

  private static final double LR = 0.01;

  private final Config config;
  private final DType dtype;
  private final RecurrentCell cell;
  private final Linear head;
  private final List<Parameter> params;
  private final Tensor x;
  private final Tensor targets;
  private boolean fusedOps = true;

  /**
   * A model with cell {@code rnn}, {@code gru} or {@code lstm}, seeded data, whose graphs compute
   * in {@code dtype} (parameters keep float64 master values).
   */
  TrainingTask(String cellName, Config config, DType dtype, long seed) {
    this.config = config;
    this.dtype = dtype;
    Params p = Params.seeded("", seed);
    this.cell = switch (cellName.toLowerCase(Locale.ROOT)) {
      case "rnn" -> new ElmanCell(p.child("rnn"), config.input, config.hidden);
      case "gru" -> new GruCell(p.child("gru"), config.input, config.hidden);
      case "lstm" -> new LstmCell(p.child("lstm"), config.input, config.hidden);
      default -> throw new IllegalArgumentException("cell must be rnn, gru or lstm: " + cellName);
    };
    this.head = new Linear(p.child("head"), config.hidden, config.classes);
    this.params = p.all();
    Well19937c rng = new Well19937c(seed + 1);
    Shape xs = Shape.of(config.steps, config.batch, config.input);
    if (config.oneHot) {
      int[] symbols = new int[config.steps * config.batch];
      for (int i = 0; i < symbols.length; i++) {
        symbols[i] = rng.nextInt(config.input);
      }
      this.x = Tensor.oneHot(symbols, Shape.of(config.steps, config.batch), config.input);
    } else {
      this.x = Tensors.normal(rng, xs, 0, 1);
    }
    int[] classes = new int[config.steps * config.batch];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = rng.nextInt(config.classes);
    }
    this.targets = Tensors.indices(classes).reshape(Shape.of(config.steps, config.batch));
  }

  /** Builds every later graph with the cells' fused ops on or off (see {@link Graph#setFusedOps}). */
  TrainingTask withFusedOps(boolean on) {
    fusedOps = on;
    return this;
  }

  /** The mean cross-entropy over every step and sequence, recorded in {@code g}. */
  Node loss(Graph g) {
    Node xs = g.constant("x", x);
    State initial = State.zeros(g, cell, config.batch);
    Node outputs = Unroller.unroll(g, cell, xs, initial).outputs();
    Node logits = head.apply(g, outputs);
    return Losses.softmaxCrossEntropy(g, logits, targets, LossOptions.mean());
  }

  /** One training step; returns the loss before the update. */
  double step() {
    return step(null);
  }

  /** One training step with {@code timer} attached to its graph (null for none); returns the loss before the update. */
  double step(NodeTimer timer) {
    Graph g = new Graph(dtype);
    g.setFusedOps(fusedOps);
    g.setNodeTimer(timer);
    Node loss = loss(g);
    g.backward(loss);
    Optimizer sgd = Optimizer.sgd(params, LR);
    sgd.step();
    sgd.zeroGrad();
    return loss.value().item();
  }

  /** The forward pass alone, with nothing recorded for backprop. */
  double forward() {
    Graph g = Graph.inference(dtype);
    g.setFusedOps(fusedOps);
    return loss(g).value().item();
  }
}
