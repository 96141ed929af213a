package dev.unfold.nn.train;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.seq.TruncatedBptt;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Trains on a long stream with truncated backprop-through-time: the stream is cut into chunks
 * of k steps, each chunk is one update, and the recurrent state is carried from one chunk to
 * the next as constants of the new graph, so the values go on and the gradient stops.
 *
 * <p>Chunks must arrive in order (use {@code TrainerConfig.withShuffle(false)}, no validation
 * split, batch size 1); the state restarts from zeros at the stream's first chunk. An
 * out-of-order chunk is an error, never a silently reset state.
 */
public final class TruncatedBpttStream implements TrainingTask<TruncatedBptt.Chunk> {
  /** Builds one chunk's graph from the carried state (empty at the start of the stream). */
  @FunctionalInterface
  public interface ChunkLoss {
    Result apply(Graph g, TruncatedBptt.Chunk chunk, Optional<State> carried, Map<String, Double> metrics);
  }

  /** A chunk's loss and the state after its last step. */
  public record Result(Node loss, State last) {}

  private final List<TruncatedBptt.Chunk> chunks;
  private final int streams;
  private final ChunkLoss chunkLoss;
  private List<Tensor> carried;
  private int expectedStart;

  /**
   * A stream of {@code length} steps cut into chunks of {@code k}.
   *
   * @param streams how many sequences run side by side in each step (the batch), for the
   *     tokens-per-second figure
   */
  public TruncatedBpttStream(int length, int k, int streams, ChunkLoss chunkLoss) {
    if (streams < 1) {
      throw new IllegalArgumentException("truncated BPTT: streams must be ≥ 1, got " + streams);
    }
    this.chunks = TruncatedBptt.chunks(length, k);
    this.streams = streams;
    this.chunkLoss = chunkLoss;
  }

  /** The chunks in order: the "examples" to give the trainer. */
  public List<TruncatedBptt.Chunk> chunks() {
    return chunks;
  }

  /** The state carried into the next chunk (empty at the start), for checkpoints. */
  public Optional<List<Tensor>> carriedState() {
    return Optional.ofNullable(carried);
  }

  /** Restores a carried state saved with a checkpoint; {@code nextStart} is the next chunk's first step. */
  public void restoreCarriedState(List<Tensor> state, int nextStart) {
    this.carried = List.copyOf(state);
    this.expectedStart = nextStart;
  }

  @Override
  public Node loss(Graph g, List<TruncatedBptt.Chunk> batch, Map<String, Double> metrics) {
    if (batch.size() != 1) {
      throw new IllegalArgumentException("truncated BPTT: one chunk per update, got " + batch.size() + " (batch size must be 1)");
    }
    TruncatedBptt.Chunk chunk = batch.get(0);
    if (chunk.start() == 0) {
      carried = null;
    } else if (chunk.start() != expectedStart) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "truncated BPTT: chunk [%d, %d) arrived but the carried state ends at step %d; chunks must come in "
              + "order (TrainerConfig.withShuffle(false), no validation split)", chunk.start(), chunk.end(), expectedStart));
    }
    Optional<State> initial = carried == null ? Optional.empty() : Optional.of(State.constants(g, carried));
    Result r = chunkLoss.apply(g, chunk, initial, metrics);
    if (g.isGradEnabled()) {
      carried = r.last().values();
      expectedStart = chunk.end() == chunks.get(chunks.size() - 1).end() ? 0 : chunk.end();
    }
    return r.loss();
  }

  @Override
  public long tokens(List<TruncatedBptt.Chunk> batch) {
    return batch.stream().mapToLong(TruncatedBptt.Chunk::length).sum() * streams;
  }
}
