package dev.unfold.nn.seq;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporal skip connections (Lin et al. 1996; Goodfellow et al. §10.9.1): the wrapped cell reads,
 * besides its own previous state, the hidden state from {@code d} steps back, concatenated to its
 * input. Gradients then cross d steps in one hop, a remedy for vanishing gradients.
 * <pre>
 * state = (inner state…, h_{t−d}, …, h_{t−2})
 * inner = cell.step([x_t, h_{t−d}], inner state)
 * </pre>
 * The wrapped cell's input size must be {@code in + hidden}. Masking, direction and stacking
 * treat the delayed copies as ordinary state parts.
 */
public final class SkipConnectionCell implements RecurrentCell {
  private final RecurrentCell inner;
  private final int delay;
  private final int innerParts;

  public SkipConnectionCell(RecurrentCell inner, int delay) {
    if (delay < 2) {
      throw new IllegalArgumentException("skip connection: delay must be at least 2 (1 is the ordinary recurrence), got " + delay);
    }
    if (inner.inputSize() <= inner.hiddenSize()) {
      throw new IllegalArgumentException("skip connection: the wrapped cell's input size " + inner.inputSize()
          + " must be the input plus its hidden size " + inner.hiddenSize());
    }
    this.inner = inner;
    this.delay = delay;
    this.innerParts = inner.stateSizes().size();
  }

  @Override public int inputSize() { return inner.inputSize() - inner.hiddenSize(); }

  @Override
  public List<Integer> stateSizes() {
    List<Integer> sizes = new ArrayList<>(inner.stateSizes());
    for (int i = 0; i < delay - 1; i++) {
      sizes.add(inner.hiddenSize());
    }
    return sizes;
  }

  @Override
  public State step(Graph g, Node x, State prev) {
    List<Node> parts = prev.parts();
    Node skip = parts.get(innerParts);  // h_{t−d}
    State innerPrev = State.of(parts.subList(0, innerParts));
    State next = inner.step(g, g.concat(1, x, skip.named("h_skip")), innerPrev);
    List<Node> out = new ArrayList<>(next.parts());
    out.addAll(parts.subList(innerParts + 1, parts.size()));  // h_{t−d+1} … h_{t−2}
    out.add(prev.h());                                        // h_{t−1} becomes the newest delayed copy
    return State.of(out);
  }

  @Override
  public String name() {
    return "SkipConnection(" + inner.name() + ", d=" + delay + ")";
  }
}
