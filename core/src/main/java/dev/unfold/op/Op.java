package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * A differentiable function of tensors. Library ops and user ops implement this same interface
 * and are recorded by {@code Graph.apply(op, inputs…)}.
 *
 * <p>Implementations are stateless and pure: they never modify their inputs and never see the
 * graph. Most ops are easier to write through {@link UnaryOp} or {@link BinaryOp}; implement
 * {@link #apply} directly when the backward needs residuals computed in the forward pass.
 */
public interface Op {
  /** Short lower-case name used in dumps and errors, for example {@code "matmul"}. */
  String name();

  /**
   * Checks the input shapes and returns the output shape.
   *
   * @throws dev.unfold.tensor.ShapeException whose message starts with {@link #name()}
   */
  Shape outputShape(List<Shape> in);

  /** Computes the output and returns it with its vector-Jacobian product. */
  Applied apply(Tensor... in);

  /**
   * False for ops through which no gradient flows at all (detach, one-hot): the graph then
   * treats their output as a constant and keeps no pullback.
   */
  default boolean differentiable() {
    return true;
  }

  /** An output value and the pullback that maps dL/dOut to dL/dIn. */
  record Applied(Tensor value, Vjp vjp) {}

  /** A vector-Jacobian product. */
  @FunctionalInterface
  interface Vjp {
    /**
     * Returns one gradient per input, shaped like that input; {@code null} for an input that is
     * not differentiable (indices, masks). Never modifies {@code dOut}.
     */
    Tensor[] pullback(Tensor dOut);
  }

  /**
   * A vector-Jacobian product that can also write its gradients into the graph's accumulators:
   * it may skip inputs that need no gradient, and hand over a gradient that is a matrix product
   * without forming it, so that a weight shared by every time step adds each step's product
   * straight into its running sum. The graph calls {@link #pullback(Tensor, Gradients)};
   * {@link #pullback(Tensor)} must give the same gradients (it is what gradient checks see).
   */
  interface SinkVjp extends Vjp {
    /** Adds dL/dIn for each needed input to {@code out}; never modifies {@code dOut}. */
    void pullback(Tensor dOut, Gradients out);
  }

  /** Where a {@link SinkVjp} puts its gradients; implemented by the graph. */
  interface Gradients {
    /** True when input {@code input} takes a gradient (skipping it otherwise is allowed, not required). */
    boolean needed(int input);

    /** Adds {@code grad} (shaped like the input, never modified afterwards) to the input's gradient. */
    void add(int input, Tensor grad);

    /**
     * Adds the product {@code op(a)·op(b)} of two rank-2 tensors to the input's gradient, where
     * {@code op} transposes when asked; equivalent to {@code add(input, a.matmul(b, transA, transB))}.
     */
    void addProduct(int input, Tensor a, boolean transA, Tensor b, boolean transB);

    /**
     * Adds {@code part} to the input's gradient at indices {@code [start, start + part's length)}
     * along {@code axis}; equivalent to adding {@code part} padded with zeros to the input's shape.
     */
    void addSlice(int input, Tensor part, int axis, int start);
  }
}
