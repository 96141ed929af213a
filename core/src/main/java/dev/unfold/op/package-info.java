/**
 * Differentiable operations: the {@link dev.unfold.op.Op} interface that library and user ops
 * share, the {@link dev.unfold.op.UnaryOp} and {@link dev.unfold.op.BinaryOp} adapters that put
 * forward and backward side by side, and one small final class per primitive, listed in
 * {@link dev.unfold.op.Ops#all()}.
 *
 * <p>Ops are pure: they never modify their inputs and never see the graph. Composite functions
 * (mean, softmax, square, …) are built from these primitives on {@code Node} and need no backward.
 */
package dev.unfold.op;
