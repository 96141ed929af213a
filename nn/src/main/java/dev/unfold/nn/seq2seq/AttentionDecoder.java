package dev.unfold.nn.seq2seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.attention.Attention;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder step that attends over encoder states, in either published arrangement:
 * <pre>
 * BAHDANAU (Bahdanau et al. 2015):  c_t = attend(s_{t−1});  s_t = cell([e(y_{t−1}), c_t], s_{t−1});  out = W_o[s_t, c_t]
 * LUONG    (Luong et al. 2015):     s_t = cell(e(y_{t−1}), s_{t−1});  c_t = attend(s_t);  h̃_t = tanh(W_c[c_t, s_t]);  out = W_o h̃_t
 * </pre>
 * e is a linear embedding of what the step reads (a one-hot gives an embedding lookup).
 * {@link #bind} prepares the encoder states once per batch and keeps every step's attention
 * weights for plotting.
 */
public final class AttentionDecoder {
  /** Where attention sits relative to the recurrent step. */
  public enum Style { BAHDANAU, LUONG }

  private final Style style;
  private final RecurrentCell cell;
  private final Attention attention;
  private final Linear embed;
  private final Linear combine;
  private final Linear out;

  /**
   * @param readSize width of what each step reads (the vocabulary size for one-hot tokens)
   * @param embedSize width of the embedding of what it reads
   * @param cell the recurrent cell: input {@code embedSize + keySize} for Bahdanau, {@code embedSize} for Luong
   * @param outputs width of each step's output (logits)
   */
  public AttentionDecoder(Params p, Style style, int readSize, int embedSize, RecurrentCell cell, Attention attention,
      int outputs) {
    int expectedInput = style == Style.BAHDANAU ? embedSize + attention.keySize() : embedSize;
    if (cell.inputSize() != expectedInput || attention.querySize() != cell.hiddenSize()) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "attention decoder (%s): the cell takes input %d and has hidden %d; expected input %d and an attention "
              + "whose query size (%d) is the hidden size", style, cell.inputSize(), cell.hiddenSize(), expectedInput,
          attention.querySize()));
    }
    this.style = style;
    this.cell = cell;
    this.attention = attention;
    this.embed = new Linear(p.child("embed"), readSize, embedSize);
    int hidden = cell.hiddenSize();
    this.combine = style == Style.LUONG ? new Linear(p.child("combine"), attention.keySize() + hidden, hidden) : null;
    this.out = new Linear(p.child("out"), style == Style.LUONG ? hidden : hidden + attention.keySize(), outputs);
  }

  public RecurrentCell cell() {
    return cell;
  }

  /** A step bound to one batch of encoder states [T×B×key]. */
  public Bound bind(Graph g, Node encoderStates, Lengths lengths) {
    return new Bound(attention.prepare(g, encoderStates, lengths));
  }

  /** The decoder step over one batch's encoder states, collecting the attention weights of every step. */
  public final class Bound implements TeacherForcing.Step {
    private final Attention.Prepared keys;
    private final List<Node> weights = new ArrayList<>();

    private Bound(Attention.Prepared keys) {
      this.keys = keys;
    }

    /** The attention weights [B×T_in] of every step taken so far. */
    public List<Node> weights() {
      return List.copyOf(weights);
    }

    @Override
    public TeacherForcing.Output apply(Graph g, int t, Node previous, State state) {
      Node e = embed.apply(g, previous).named("embedded");
      if (style == Style.BAHDANAU) {
        Attention.Result a = keys.attend(g, state.h());
        weights.add(a.weights());
        State next = cell.step(g, g.concat(1, e, a.context()), state);
        return new TeacherForcing.Output(out.apply(g, g.concat(1, next.h(), a.context())).named("logits"), next);
      }
      State next = cell.step(g, e, state);
      Attention.Result a = keys.attend(g, next.h());
      weights.add(a.weights());
      Node attentional = combine.apply(g, g.concat(1, a.context(), next.h())).tanh().named("attentional_hidden");
      return new TeacherForcing.Output(out.apply(g, attentional).named("logits"), next);
    }
  }
}
