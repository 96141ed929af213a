package dev.unfold.graph;

/**
 * Receives the wall-clock time a graph spends on each node, when attached with
 * {@link Graph#setNodeTimer}: the op's forward computation as the node is recorded, and in
 * {@link Graph#backward} its pullback and the summing of the gradients it received. Detached
 * (the default), timing costs one null test per node. Called on the graph's thread.
 *
 * <p>{@code dev.unfold.dump.OpProfile} is the implementation that tabulates the times per op.
 */
public interface NodeTimer {
  /** {@code n}'s value took {@code nanos} to compute (shape checks included). */
  void forward(Node n, long nanos);

  /** {@code n}'s pullback took {@code nanos}: the gradients of its inputs, computed or handed on. */
  void backward(Node n, long nanos);

  /**
   * Summing the gradients {@code n} received from its several consumers took {@code nanos}
   * (for a weight shared by every time step: the deferred product over all steps), together with
   * adding the result into its parameter's gradient when {@code n} is a parameter leaf.
   */
  void gradientSum(Node n, long nanos);
}
