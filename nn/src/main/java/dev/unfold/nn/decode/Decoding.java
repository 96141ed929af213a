package dev.unfold.nn.decode;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.seq2seq.Prediction;
import dev.unfold.nn.seq2seq.Sampling;
import dev.unfold.nn.seq2seq.TeacherForcing;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Runs a trained decoder step open-loop to generate token sequences. The step reads the
 * previous token as a one-hot [B×V] and returns logits [B×V] (or [B×(V+1)] with a stop logit
 * for {@link StopRule.StopOutput}). Use a graph in inference mode ({@code Graph.inference()}):
 * nothing is recorded.
 */
public final class Decoding {
  private Decoding() {}

  /** The vocabulary size, the start token and the maximum length, shared by every strategy. */
  public record Setup(int vocabulary, int startToken, StopRule stop, int maxLength) {
    public Setup {
      Preconditions.checkArgument(vocabulary > 0 && startToken >= 0 && startToken < vocabulary && maxLength >= 1,
          "decoding: vocabulary %s, start token %s, max length %s", vocabulary, startToken, maxLength);
    }
  }

  /** The most likely token at every step. */
  public static List<Generated> greedy(Graph g, TeacherForcing.Step step, State initial, Setup setup) {
    return run(g, step, initial, setup, (logits, t) -> Prediction.argmax(logits));
  }

  /**
   * Tokens drawn from softmax(logits / temperature), from the {@code topK} most likely only when
   * {@code topK > 0}; reproducible for a seeded {@code rng}.
   */
  public static List<Generated> sample(Graph g, TeacherForcing.Step step, State initial, Setup setup,
      double temperature, int topK, RandomGenerator rng) {
    return run(g, step, initial, setup, (logits, t) -> Sampling.sample(logits, temperature, topK, rng));
  }

  private interface Chooser {
    int[] choose(Tensor logits, int t);
  }

  private static List<Generated> run(Graph g, TeacherForcing.Step step, State initial, Setup s, Chooser chooser) {
    int batch = initial.h().shape().dim(0);
    checkLengths(s, batch);
    List<List<Integer>> tokens = new ArrayList<>();
    double[] logp = new double[batch];
    Generated.Reason[] done = new Generated.Reason[batch];
    for (int b = 0; b < batch; b++) {
      tokens.add(new ArrayList<>());
    }
    int[] previous = new int[batch];
    java.util.Arrays.fill(previous, s.startToken());
    State state = initial;
    for (int t = 0; t < s.maxLength() && !allDone(done); t++) {
      TeacherForcing.Output out = step.apply(g, t, g.constant(Prediction.oneHot(previous, s.vocabulary())), state);
      state = out.state();
      Tensor all = out.output().value();
      Tensor logits = vocabularyPart(all, s);
      Tensor logSoftmax = logits.logSoftmax(1);
      int[] chosen = chooser.choose(logits, t);
      for (int b = 0; b < batch; b++) {
        if (done[b] != null) {
          continue;
        }
        logp[b] += logSoftmax.get(b, chosen[b]);
        Generated.Reason reason = ended(s, b, chosen[b], tokens.get(b).size() + 1, all);
        if (reason == Generated.Reason.STOP_OUTPUT || reason == null) {
          tokens.get(b).add(chosen[b]);
        }
        if (s.stop() instanceof StopRule.StopOutput) {
          double stopLogit = all.get(b, s.vocabulary());
          logp[b] += reason == Generated.Reason.STOP_OUTPUT ? logSigmoid(stopLogit) : logSigmoid(-stopLogit);
        }
        if (reason == Generated.Reason.PREDICTED_LENGTH) {
          tokens.get(b).add(chosen[b]);
        }
        if (reason == null && tokens.get(b).size() == s.maxLength()) {
          reason = Generated.Reason.MAX_LENGTH;
        }
        done[b] = reason;
      }
      previous = chosen;
    }
    List<Generated> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      out.add(new Generated(tokens.get(b).stream().mapToInt(Integer::intValue).toArray(), logp[b],
          done[b] == null ? Generated.Reason.MAX_LENGTH : done[b]));
    }
    return out;
  }

  /** Why example b's sequence ends after emitting {@code token} as its {@code length}-th token, or null. */
  private static Generated.Reason ended(Setup s, int b, int token, int length, Tensor output) {
    if (s.stop() instanceof StopRule.EndToken e) {
      return token == e.token() ? Generated.Reason.END_TOKEN : null;
    }
    if (s.stop() instanceof StopRule.PredictedLengths p) {
      return length >= p.lengths()[b] ? Generated.Reason.PREDICTED_LENGTH : null;
    }
    return output.get(b, s.vocabulary()) > 0 ? Generated.Reason.STOP_OUTPUT : null;  // the stop logit
  }

  private static double logSigmoid(double z) {
    return -(Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z))));
  }

  private static Tensor vocabularyPart(Tensor output, Setup s) {
    int expected = s.vocabulary() + (s.stop() instanceof StopRule.StopOutput ? 1 : 0);
    if (output.rank() != 2 || output.shape().dim(1) != expected) {
      throw new IllegalArgumentException("decoding: the step's output must be [B×" + expected + "] (vocabulary "
          + s.vocabulary() + (expected > s.vocabulary() ? " + a stop logit" : "") + "), got " + output.shape());
    }
    return expected == s.vocabulary() ? output : output.slice(1, 0, s.vocabulary());
  }

  private static void checkLengths(Setup s, int batch) {
    if (s.stop() instanceof StopRule.PredictedLengths p && p.lengths().length != batch) {
      throw new IllegalArgumentException("decoding: " + p.lengths().length + " predicted lengths for a batch of " + batch);
    }
  }

  private static boolean allDone(Generated.Reason[] done) {
    for (Generated.Reason r : done) {
      if (r == null) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- beam search

  private record Hypothesis(int[] tokens, double logProbability, int row) {}

  /**
   * Beam search per example with {@code width} hypotheses, ranked at the end by
   * {@code log p / length^alpha} (length normalisation; alpha 0 disables it, Wu et al. 2016 use
   * about 0.6–1). Ends as the stop rule says; supports {@link StopRule.EndToken} and
   * {@link StopRule.PredictedLengths}.
   */
  public static List<Generated> beam(Graph g, TeacherForcing.Step step, State initial, Setup s, int width, double alpha) {
    Preconditions.checkArgument(width >= 1, "beam width must be ≥ 1, got %s", width);
    if (s.stop() instanceof StopRule.StopOutput) {
      throw new IllegalArgumentException("beam search: use an end token or predicted lengths; a stop output is "
          + "supported by greedy and sampled decoding");
    }
    int batch = initial.h().shape().dim(0);
    checkLengths(s, batch);
    List<Generated> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      out.add(beamOne(g, step, rows(g, initial, new int[] {b}), s, b, width, alpha));
    }
    return out;
  }

  private static Generated beamOne(Graph g, TeacherForcing.Step step, State start, Setup s, int example, int width,
      double alpha) {
    List<Hypothesis> live = List.of(new Hypothesis(new int[0], 0, 0));
    List<Generated> finished = new ArrayList<>();
    State state = start;
    for (int t = 0; t < s.maxLength() && !live.isEmpty(); t++) {
      int[] previous = live.stream().mapToInt(h -> h.tokens().length == 0 ? s.startToken() : h.tokens()[h.tokens().length - 1]).toArray();
      TeacherForcing.Output o = step.apply(g, t, g.constant(Prediction.oneHot(previous, s.vocabulary())), state);
      Tensor logp = vocabularyPart(o.output().value(), s).logSoftmax(1);
      List<Hypothesis> candidates = new ArrayList<>();
      for (int h = 0; h < live.size(); h++) {
        for (int v = 0; v < s.vocabulary(); v++) {
          int[] tokens = java.util.Arrays.copyOf(live.get(h).tokens(), live.get(h).tokens().length + 1);
          tokens[tokens.length - 1] = v;
          candidates.add(new Hypothesis(tokens, live.get(h).logProbability() + logp.get(h, v), h));
        }
      }
      candidates.sort(Comparator.comparingDouble(Hypothesis::logProbability).reversed());
      List<Hypothesis> next = new ArrayList<>();
      for (Hypothesis c : candidates) {
        if (next.size() + finished.size() >= width) {
          break;
        }
        Generated.Reason reason = beamEnded(s, example, c.tokens());
        if (reason != null) {
          int[] kept = reason == Generated.Reason.END_TOKEN ? java.util.Arrays.copyOf(c.tokens(), c.tokens().length - 1) : c.tokens();
          finished.add(new Generated(kept, c.logProbability(), reason));
        } else if (c.tokens().length == s.maxLength()) {
          finished.add(new Generated(c.tokens(), c.logProbability(), Generated.Reason.MAX_LENGTH));
        } else {
          next.add(c);
        }
      }
      if (next.isEmpty()) {
        break;
      }
      int[] parents = next.stream().mapToInt(Hypothesis::row).toArray();
      state = rows(g, o.state(), parents);
      List<Hypothesis> renumbered = new ArrayList<>();
      for (int i = 0; i < next.size(); i++) {
        renumbered.add(new Hypothesis(next.get(i).tokens(), next.get(i).logProbability(), i));
      }
      live = renumbered;
    }
    return finished.stream().max(Comparator.comparingDouble(h -> normalised(h, alpha))).orElseThrow();
  }

  private static double normalised(Generated h, double alpha) {
    int length = Math.max(1, h.tokens().length + (h.reason() == Generated.Reason.END_TOKEN ? 1 : 0));
    return h.logProbability() / Math.pow(length, alpha);
  }

  private static Generated.Reason beamEnded(Setup s, int example, int[] tokens) {
    if (s.stop() instanceof StopRule.EndToken e) {
      return tokens[tokens.length - 1] == e.token() ? Generated.Reason.END_TOKEN : null;
    }
    StopRule.PredictedLengths p = (StopRule.PredictedLengths) s.stop();  // beam() refuses a stop output
    return tokens.length >= p.lengths()[example] ? Generated.Reason.PREDICTED_LENGTH : null;
  }

  /** The given rows of every state part (hypotheses following their parents). */
  private static State rows(Graph g, State state, int[] rows) {
    Node idx = g.constant("rows", Tensors.indices(rows).reshape(Shape.of(rows.length)));
    return state.map(part -> part.gatherRows(idx));
  }
}
