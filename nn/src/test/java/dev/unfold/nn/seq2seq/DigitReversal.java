package dev.unfold.nn.seq2seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.attention.AdditiveAttention;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.decode.Decoding;
import dev.unfold.nn.decode.Generated;
import dev.unfold.nn.decode.StopRule;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.nn.seq.Unidirectional;
import dev.unfold.nn.train.TrainingTask;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * An encoder-decoder with additive attention that learns to reverse digit strings of length
 * 5–10: a GRU encoder over one-hot digits (variable lengths, masked), its final state bridged
 * into the decoder's initial state, and a Bahdanau attention decoder emitting digits and an end
 * token. Trained with teacher forcing; evaluated open-loop with greedy decoding.
 */
final class DigitReversal implements TrainingTask<int[]> {
  static final int DIGITS = 10;
  static final int START = 10;
  static final int END = 11;
  static final int VOCAB = 12;

  final Params params;
  final SequenceLayer encoder;
  final Conditioning conditioning;
  final AttentionDecoder decoder;
  Feedback feedback = Feedback.always();

  DigitReversal(long seed, int hidden) {
    params = Params.seeded("reverse", seed);
    encoder = new Unidirectional(new GruCell(params.child("encoder"), DIGITS, hidden));
    conditioning = new Conditioning(params.child("decoder"), Conditioning.Mode.INITIAL_STATE, hidden, hidden);
    int embed = 16;
    decoder = new AttentionDecoder(params.child("decoder"), AttentionDecoder.Style.BAHDANAU, VOCAB, embed,
        new GruCell(params.child("decoder").child("gru"), embed + hidden, hidden),
        new AdditiveAttention(params.child("decoder").child("attention"), hidden, hidden, hidden), VOCAB);
  }

  static List<int[]> examples(RandomGenerator rng, int count) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] digits = new int[5 + rng.nextInt(6)];
      for (int t = 0; t < digits.length; t++) {
        digits[t] = rng.nextInt(DIGITS);
      }
      out.add(digits);
    }
    return out;
  }

  static int[] target(int[] digits) {
    int[] out = new int[digits.length + 1];
    for (int t = 0; t < digits.length; t++) {
      out[t] = digits[digits.length - 1 - t];
    }
    out[digits.length] = END;
    return out;
  }

  /** The encoded batch: attention-ready decoder step and initial state. */
  record Encoded(AttentionDecoder.Bound step, State initial) {}

  Encoded encode(Graph g, List<int[]> batch) {
    int steps = batch.stream().mapToInt(d -> d.length).max().orElseThrow();
    int[] lengths = batch.stream().mapToInt(d -> d.length).toArray();
    double[] x = new double[steps * batch.size() * DIGITS];
    for (int b = 0; b < batch.size(); b++) {
      for (int t = 0; t < batch.get(b).length; t++) {
        x[(t * batch.size() + b) * DIGITS + batch.get(b)[t]] = 1;
      }
    }
    Lengths l = Lengths.of(lengths);
    SequenceLayer.Output enc = encoder.run(g, g.constant("digits", Tensors.of(Shape.of(steps, batch.size(), DIGITS), x)), l, null);
    State initial = conditioning.initialState(g, enc.finalStates().get(0).h(), decoder.cell());
    return new Encoded(decoder.bind(g, enc.outputs(), l), initial);
  }

  /** Runs the decoder over the targets with this task's feedback; logits [Ty×B×V]. */
  TeacherForcing.Result decode(Graph g, List<int[]> batch, Encoded e, Feedback fb) {
    int ty = batch.stream().mapToInt(d -> d.length + 1).max().orElseThrow();
    List<Node> targets = new ArrayList<>();
    for (int t = 0; t < ty; t++) {
      int[] tok = new int[batch.size()];
      for (int b = 0; b < batch.size(); b++) {
        int[] y = target(batch.get(b));
        tok[b] = t < y.length ? y[t] : END;
      }
      targets.add(g.constant("target", Prediction.oneHot(tok, VOCAB)));
    }
    Node first = g.constant("start", Prediction.oneHot(filled(batch.size(), START), VOCAB));
    return TeacherForcing.run(g, e.step(), first, targets, e.initial(), fb, Prediction.argmaxOneHot());
  }

  Node loss(Graph g, List<int[]> batch, Feedback fb) {
    int ty = batch.stream().mapToInt(d -> d.length + 1).max().orElseThrow();
    TeacherForcing.Result r = decode(g, batch, encode(g, batch), fb);
    double[] tok = new double[ty * batch.size()];
    double[] mask = new double[ty * batch.size()];
    for (int b = 0; b < batch.size(); b++) {
      int[] y = target(batch.get(b));
      for (int t = 0; t < ty; t++) {
        tok[t * batch.size() + b] = t < y.length ? y[t] : 0;
        mask[t * batch.size() + b] = t < y.length ? 1 : 0;
      }
    }
    Shape s = Shape.of(ty, batch.size());
    return Losses.softmaxCrossEntropy(g, r.stacked(g), Tensors.of(s, tok), LossOptions.mean().withMask(Tensors.of(s, mask)));
  }

  @Override
  public Node loss(Graph g, List<int[]> batch, Map<String, Double> metrics) {
    return loss(g, batch, feedback);
  }

  /** Greedy open-loop decoding. */
  List<Generated> greedy(List<int[]> batch) {
    Graph g = Graph.inference();
    Encoded e = encode(g, batch);
    return Decoding.greedy(g, e.step(), e.initial(), new Decoding.Setup(VOCAB, START, StopRule.endToken(END), 12));
  }

  /** Share of sequences reversed exactly (with the end token in the right place). */
  double exactMatch(List<int[]> batch) {
    List<Generated> out = greedy(batch);
    int right = 0;
    for (int b = 0; b < batch.size(); b++) {
      int[] want = Arrays.copyOf(target(batch.get(b)), batch.get(b).length);
      right += Arrays.equals(want, out.get(b).tokens()) && out.get(b).reason() == Generated.Reason.END_TOKEN ? 1 : 0;
    }
    return right / (double) batch.size();
  }

  @Override
  public long tokens(List<int[]> batch) {
    return batch.stream().mapToLong(d -> 2L * d.length + 1).sum();
  }

  private static int[] filled(int n, int v) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

}
