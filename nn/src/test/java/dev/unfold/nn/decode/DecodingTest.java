package dev.unfold.nn.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.seq2seq.TeacherForcing;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Decoding against a hand-made bigram model whose next-token probabilities depend only on the
 * previous token, so every expected sequence can be worked out by hand. Tokens: 0 = end, 1, 2,
 * 3 = start.
 */
class DecodingTest {
  private static final double[][] P = {
    {0.25, 0.25, 0.25, 0.25},   // after the end token (never used)
    {0.35, 0.33, 0.31, 0.01},   // after 1: no continuation is likely
    {0.90, 0.04, 0.05, 0.01},   // after 2: the end is very likely
    {0.04, 0.50, 0.45, 0.01},   // after the start: 1 looks best, 2 is close behind
  };

  private static Tensor logTable() {
    double[][] l = new double[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        l[i][j] = Math.log(P[i][j]);
      }
    }
    return Tensors.of(l);
  }

  private static final TeacherForcing.Step BIGRAM =
      (g, t, previous, state) -> new TeacherForcing.Output(previous.matmul(g.constant(logTable())), state);

  private static State state(Graph g, int batch) {
    return State.of(g.constant(Tensors.zeros(batch, 1)));
  }

  private static Decoding.Setup setup(StopRule rule) {
    return new Decoding.Setup(4, 3, rule, 10);
  }

  @Test
  void greedyTakesTheLocallyBestTokenAndStopsAtTheEndToken() {
    Graph g = Graph.inference();
    Generated out = Decoding.greedy(g, BIGRAM, state(g, 1), setup(StopRule.endToken(0))).get(0);
    assertArrayEquals(new int[] {1}, out.tokens());
    assertEquals(Generated.Reason.END_TOKEN, out.reason());
    assertEquals(Math.log(0.5 * 0.35), out.logProbability(), 1e-12);
  }

  @Test
  void beamSearchFindsTheMoreLikelySequenceGreedyMisses() {
    Graph g = Graph.inference();
    Generated best = Decoding.beam(g, BIGRAM, state(g, 1), setup(StopRule.endToken(0)), 2, 0.0).get(0);
    assertArrayEquals(new int[] {2}, best.tokens());
    assertEquals(Math.log(0.45 * 0.9), best.logProbability(), 1e-12);
    // Width 1 is greedy.
    assertArrayEquals(new int[] {1}, Decoding.beam(g, BIGRAM, state(g, 1), setup(StopRule.endToken(0)), 1, 0.0).get(0).tokens());
    // Predicted lengths: exactly three tokens each.
    Generated three = Decoding.beam(g, BIGRAM, state(g, 1), setup(StopRule.predictedLengths(3)), 3, 0.0).get(0);
    assertEquals(3, three.tokens().length);
    assertEquals(Generated.Reason.PREDICTED_LENGTH, three.reason());
    assertThrows(IllegalArgumentException.class,
        () -> Decoding.beam(g, BIGRAM, state(g, 1), setup(StopRule.stopOutput()), 2, 0));
  }

  @Test
  void lengthNormalisationPrefersLongerSequencesAsAlphaGrows() {
    // Two finished candidates: [2] then end (p 0.405, 2 steps) vs longer ones through 1 or 2.
    Graph g = Graph.inference();
    Generated plain = Decoding.beam(g, BIGRAM, state(g, 1), setup(StopRule.endToken(0)), 4, 0.0).get(0);
    Generated normalised = Decoding.beam(g, BIGRAM, state(g, 1), setup(StopRule.endToken(0)), 4, 3.0).get(0);
    assertTrue(normalised.tokens().length >= plain.tokens().length);
    assertTrue(normalised.logProbability() / Math.pow(normalised.tokens().length + (normalised.reason() == Generated.Reason.END_TOKEN ? 1 : 0), 3.0)
        >= plain.logProbability() / Math.pow(plain.tokens().length + 1, 3.0) - 1e-12);
  }

  @Test
  void stopOutputAndPredictedLengthsAndMaxLength() {
    Graph g = Graph.inference();
    TeacherForcing.Step withStop = (graph, t, previous, s) -> new TeacherForcing.Output(graph.concat(1,
        previous.matmul(graph.constant(logTable())), graph.constant(Tensors.full(dev.unfold.tensor.Shape.of(1, 1), t == 2 ? 5 : -5))), s);
    Generated stopped = Decoding.greedy(g, withStop, state(g, 1), setup(StopRule.stopOutput())).get(0);
    assertEquals(3, stopped.tokens().length);
    assertEquals(Generated.Reason.STOP_OUTPUT, stopped.reason());
    List<Generated> lengths = Decoding.greedy(g, BIGRAM, state(g, 2), setup(StopRule.predictedLengths(2, 4)));
    assertEquals(2, lengths.get(0).tokens().length);
    assertEquals(4, lengths.get(1).tokens().length);
    Generated capped = Decoding.greedy(g, BIGRAM, state(g, 1), new Decoding.Setup(4, 3, StopRule.endToken(3), 5)).get(0);
    assertEquals(5, capped.tokens().length);
    assertEquals(Generated.Reason.MAX_LENGTH, capped.reason());
    assertThrows(IllegalArgumentException.class, () -> Decoding.greedy(g, BIGRAM, state(g, 1), setup(StopRule.stopOutput())));
  }

  @Test
  void samplingIsSeededFollowsTheDistributionAndTopKAndTemperatureWork() {
    Graph g = Graph.inference();
    Decoding.Setup one = new Decoding.Setup(4, 3, StopRule.predictedLengths(ones(2000)), 1);
    List<Generated> a = Decoding.sample(g, BIGRAM, state(g, 2000), one, 1.0, 0, new Well19937c(5));
    List<Generated> b = Decoding.sample(g, BIGRAM, state(g, 2000), one, 1.0, 0, new Well19937c(5));
    assertEquals(a.stream().map(x -> x.tokens()[0]).toList(), b.stream().map(x -> x.tokens()[0]).toList());
    double ones = a.stream().filter(x -> x.tokens()[0] == 1).count() / 2000.0;
    assertEquals(0.5, ones, 0.04);
    List<Generated> top1 = Decoding.sample(g, BIGRAM, state(g, 200), new Decoding.Setup(4, 3, StopRule.predictedLengths(ones(200)), 1),
        1.0, 1, new Well19937c(6));
    assertTrue(top1.stream().allMatch(x -> x.tokens()[0] == 1));
    List<Generated> top2 = Decoding.sample(g, BIGRAM, state(g, 500), new Decoding.Setup(4, 3, StopRule.predictedLengths(ones(500)), 1),
        1.0, 2, new Well19937c(7));
    assertTrue(top2.stream().allMatch(x -> x.tokens()[0] == 1 || x.tokens()[0] == 2));
    List<Generated> cold = Decoding.sample(g, BIGRAM, state(g, 500), new Decoding.Setup(4, 3, StopRule.predictedLengths(ones(500)), 1),
        0.01, 0, new Well19937c(8));  // (0.5 / 0.45)^(1 / 0.01) ≈ 4e4: token 1 nearly always
    assertTrue(cold.stream().filter(x -> x.tokens()[0] == 1).count() > 480);
    assertThrows(IllegalArgumentException.class, () -> Decoding.sample(g, BIGRAM, state(g, 1), setup(StopRule.endToken(0)), 0, 0,
        new Well19937c(1)));
  }

  private static int[] ones(int n) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, 1);
    return a;
  }
}
