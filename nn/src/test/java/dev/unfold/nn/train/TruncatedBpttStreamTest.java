package dev.unfold.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.ElmanCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.TruncatedBptt;
import dev.unfold.nn.seq.Unrolled;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A long stream trained in chunks: the state crosses chunk boundaries, and the model learns. */
class TruncatedBpttStreamTest {

  /** Predict the next value of a sine wave sampled at a step that needs memory of the phase. */
  @Test
  void learnsAStreamChunkByChunkCarryingTheState() {
    int length = 600;
    Tensor wave = Tensors.of(Shape.of(length + 1, 1, 1), sine(length + 1));
    Params p = Params.seeded("lm", 1);
    ElmanCell cell = new ElmanCell(p.child("rnn"), 1, 12);
    Linear head = new Linear(p.child("head"), 12, 1);
    List<State> initialsSeen = new ArrayList<>();
    TruncatedBpttStream stream = new TruncatedBpttStream(length, 20, 1, (g, chunk, carried, metrics) -> {
      State init = carried.orElseGet(() -> State.zeros(g, cell, 1));
      initialsSeen.add(init);
      Unrolled u = Unroller.unroll(g, cell, g.constant(wave.slice(0, chunk.start(), chunk.end())), init);
      Node pred = head.apply(g, u.outputs());
      Node loss = Losses.meanSquaredError(g, pred, wave.slice(0, chunk.start() + 1, chunk.end() + 1), LossOptions.mean());
      return new TruncatedBpttStream.Result(loss, u.last());
    });
    Trainer<TruncatedBptt.Chunk> t = new Trainer<>(stream, Optimizer.adam(p.all(), 0.01), LearningRateSchedule.constant(0.01),
        TrainerConfig.defaults().withEpochs(8).withBatchSize(1).withShuffle(false).withProgress(Progress.Mode.QUIET));
    History h = t.fit(stream.chunks());
    assertEquals(8 * 30, h.steps().size());
    // The carried state: zeros at each epoch's first chunk, the previous chunk's last state after.
    assertEquals(Tensors.zeros(1, 12), initialsSeen.get(30).h().value());
    assertTrue(initialsSeen.get(31).h().value().map(Math::abs).sum().item() > 0);
    double first = mean(h.losses(), 0, 30);
    double last = mean(h.losses(), h.losses().length - 30, h.losses().length);
    assertTrue(last < first / 10, "loss " + first + " → " + last);
  }

  @Test
  void outOfOrderChunksAreAnError() {
    TruncatedBpttStream s = new TruncatedBpttStream(10, 5, 1, (g, c, carried, m) ->
        new TruncatedBpttStream.Result(g.variable("w", Tensors.scalar(1)).square(), State.of(g.constant(Tensors.zeros(1, 1)))));
    Graph g = new Graph();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.loss(g, List.of(new TruncatedBptt.Chunk(5, 10)), new java.util.HashMap<>()));
    assertTrue(e.getMessage().contains("chunks must come in order"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.loss(g, s.chunks(), new java.util.HashMap<>()));
  }

  private static double[] sine(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = Math.sin(i * 0.3) * 0.8;
    }
    return d;
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }
}
