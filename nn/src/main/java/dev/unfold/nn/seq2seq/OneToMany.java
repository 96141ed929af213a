package dev.unfold.nn.seq2seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Linear;
import java.util.List;

/**
 * A sequence generated from one fixed vector x (the image-captioning design, Goodfellow et al.
 * §10.4): x conditions the decoder as its initial state and/or as an extra input at every step,
 * the decoder reads its previous output, and a linear head gives each step's output.
 */
public final class OneToMany {
  private final RecurrentCell cell;
  private final Linear head;
  private final Conditioning conditioning;

  /**
   * @param cell the decoder; its input size must be {@code conditioning.decoderInputSize(outputs)}
   * @param head from the decoder's hidden state to the outputs
   */
  public OneToMany(RecurrentCell cell, Linear head, Conditioning conditioning) {
    int expected = conditioning.decoderInputSize(head.outSize());
    if (cell.inputSize() != expected) {
      throw new IllegalArgumentException("one-to-many: the decoder takes input " + cell.inputSize() + ", expected "
          + expected + " (" + head.outSize() + " fed-back outputs" + (expected > head.outSize() ? " + context" : "") + ")");
    }
    this.cell = cell;
    this.head = head;
    this.conditioning = conditioning;
  }

  /** The decoder step, conditioned on {@code x} [B×context]. */
  public TeacherForcing.Step step(Node x) {
    return (g, t, previous, state) -> {
      State next = cell.step(g, conditioning.input(g, previous, x), state);
      return new TeacherForcing.Output(head.apply(g, next.h()).named("output"), next);
    };
  }

  /** Generates {@code targets.size()} steps from x. */
  public TeacherForcing.Result run(Graph g, Node x, Node first, List<Node> targets, Feedback feedback, Prediction prediction) {
    return TeacherForcing.run(g, step(x), first, targets, conditioning.initialState(g, x, cell), feedback, prediction);
  }
}
