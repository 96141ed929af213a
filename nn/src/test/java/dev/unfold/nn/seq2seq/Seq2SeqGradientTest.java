package dev.unfold.nn.seq2seq;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.check.GradCheck;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.attention.AdditiveAttention;
import dev.unfold.nn.attention.MultiplicativeAttention;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq.Unidirectional;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Float64 gradient checks through teacher-forced and open-loop decoding, conditioning and attention decoders. */
class Seq2SeqGradientTest {
  static final int B = 2;

  private static List<Node> targets(Graph g, int steps, int width, long seed) {
    List<Node> out = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      out.add(g.constant(signed(seed + t, B, width)));
    }
    return out;
  }

  private static Parameter[] all(Params p) {
    return p.all().toArray(new Parameter[0]);
  }

  /** Encoder GRU → context → GRU decoder with the context as initial state, at every step, or both. */
  @ParameterizedTest
  @EnumSource(Conditioning.Mode.class)
  void encoderDecoderWithEachConditioning(Conditioning.Mode mode) {
    Params p = Params.seeded("s2s", 1);
    SequenceLayer encoder = new Unidirectional(new GruCell(p.child("enc"), 3, 4));
    Conditioning cond = new Conditioning(p.child("dec"), mode, 4, 5);
    GruCell decoderCell = new GruCell(p.child("dec"), cond.decoderInputSize(2), 5);
    Linear head = new Linear(p.child("head"), 5, 2);
    GradCheck.of("encoder-decoder, " + mode, in -> {
      Graph g = in.get(0).graph();
      Node context = encoder.run(g, in.get(0), Lengths.of(4, 2), null).finalStates().get(0).h();
      TeacherForcing.Step step = (graph, t, prev, state) -> {
        State next = decoderCell.step(graph, cond.input(graph, prev, context), state);
        return new TeacherForcing.Output(head.apply(graph, next.h()), next);
      };
      TeacherForcing.Result r = TeacherForcing.run(g, step, in.get(1), targets(g, 3, 2, 10), cond.initialState(g, context, decoderCell),
          Feedback.always(), Prediction.identity());
      return r.stacked(g);
    }).inputs(signed(2, 4, B, 3), signed(3, B, 2)).parameters(all(p)).check();
  }

  /** One-to-many from a fixed vector, open loop: the gradient flows through the fed-back outputs too. */
  @ParameterizedTest
  @EnumSource(Conditioning.Mode.class)
  void oneToManyOpenLoop(Conditioning.Mode mode) {
    Params p = Params.seeded("o2m", 2);
    Conditioning cond = new Conditioning(p.child("cond"), mode, 3, 4);
    OneToMany net = new OneToMany(new LstmCell(p.child("lstm"), cond.decoderInputSize(2), 4), new Linear(p.child("head"), 4, 2), cond);
    GradCheck.of("one-to-many, " + mode, in -> {
      Graph g = in.get(0).graph();
      return net.run(g, in.get(0), g.constant(Tensors.zeros(B, 2)), targets(g, 4, 2, 20), Feedback.never(), Prediction.identity())
          .stacked(g);
    }).inputs(signed(4, B, 3)).parameters(all(p)).check();
  }

  /** A fixed per-example mix of targets and predictions (what scheduled sampling draws at random). */
  @Test
  void mixedFeedbackGradientCheck() {
    Params p = Params.seeded("mix", 3);
    Conditioning cond = new Conditioning(p.child("cond"), Conditioning.Mode.BOTH, 3, 4);
    OneToMany net = new OneToMany(new GruCell(p.child("gru"), cond.decoderInputSize(2), 4), new Linear(p.child("head"), 4, 2), cond);
    Feedback alternating = (t, batch) -> new boolean[] {t % 2 == 0, t % 2 == 1};
    GradCheck.of("one-to-many, mixed feedback", in -> {
      Graph g = in.get(0).graph();
      return net.run(g, in.get(0), g.constant(Tensors.zeros(B, 2)), targets(g, 4, 2, 30), alternating, Prediction.identity()).stacked(g);
    }).inputs(signed(5, B, 3)).parameters(all(p)).check();
  }

  /** Both decoder attentions, teacher-forced over masked encoder states. */
  @ParameterizedTest
  @EnumSource(AttentionDecoder.Style.class)
  void attentionDecoders(AttentionDecoder.Style style) {
    Params p = Params.seeded("att", 4);
    int key = 3;
    int hidden = 4;
    GruCell cell = new GruCell(p.child("gru"), style == AttentionDecoder.Style.BAHDANAU ? 2 + key : 2, hidden);
    AttentionDecoder dec = new AttentionDecoder(p.child("dec"), style, 5, 2, cell,
        style == AttentionDecoder.Style.BAHDANAU ? new AdditiveAttention(p.child("additive"), hidden, key, 3)
            : MultiplicativeAttention.general(p.child("general"), hidden, key), 5);
    GradCheck.of("attention decoder, " + style, in -> {
      Graph g = in.get(0).graph();
      AttentionDecoder.Bound step = dec.bind(g, in.get(0), Lengths.of(4, 2));
      TeacherForcing.Result r = TeacherForcing.run(g, step, in.get(1), targets(g, 3, 5, 40), State.of(in.get(2)),
          Feedback.always(), Prediction.identity());
      List<Node> parts = new ArrayList<>(step.weights());  // every step's weights [B×4]
      parts.add(r.stacked(g).permute(1, 0, 2).reshape(B, 3 * 5));
      return g.concat(1, parts);
    }).inputs(signed(6, 4, B, key), signed(7, B, 5), signed(8, B, hidden)).parameters(all(p)).check();
  }

  @Test
  void feedbackChoosesPerStepAndPerExample() {
    Graph g = new Graph();
    Node target = g.constant(Tensors.ones(2, 3));
    Node predicted = g.constant(Tensors.zeros(2, 3));
    int[] steps = {0};
    TeacherForcing.Step step = (graph, t, prev, state) -> {
      steps[0]++;
      return new TeacherForcing.Output(predicted, state);
    };
    List<Node> targets = List.of(target, target, target);
    TeacherForcing.Result mixed = TeacherForcing.run(g, step, target, targets, State.of(g.constant(Tensors.zeros(2, 1))),
        (t, batch) -> new boolean[] {true, false}, Prediction.identity());
    assertEquals(Tensors.of(new double[][] {{1, 1, 1}, {0, 0, 0}}), mixed.inputs().get(1).value());
    TeacherForcing.Result forced = TeacherForcing.run(g, step, target, targets, State.of(g.constant(Tensors.zeros(2, 1))),
        Feedback.always(), Prediction.identity());
    assertSame(target, forced.inputs().get(2));
    // Scheduled sampling draws per step and per example: both kinds of choice occur within one step.
    Feedback half = Feedback.withProbability(0.5, new Well19937c(1));
    boolean[] choices = half.useTarget(1, 64);
    int yes = 0;
    for (boolean c : choices) {
      yes += c ? 1 : 0;
    }
    assertTrue(yes > 16 && yes < 48, "per-example draws: " + yes);
    long[] trainingStep = {0};
    Feedback decaying = Feedback.scheduled(Feedback.linearDecay(100, 0.0), () -> trainingStep[0], new Well19937c(2));
    assertEquals(64, count(decaying.useTarget(1, 64)));
    trainingStep[0] = 100;
    assertEquals(0, count(decaying.useTarget(1, 64)));
    assertEquals(1.0 / (1.0 + Math.exp(0)), Feedback.inverseSigmoidDecay(1).applyAsDouble(0), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Feedback.withProbability(1.5, new Well19937c(1)));
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean v : b) {
      n += v ? 1 : 0;
    }
    return n;
  }
}
