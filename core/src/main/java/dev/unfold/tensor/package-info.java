/**
 * Immutable n-dimensional tensors ({@link dev.unfold.tensor.Tensor}), their shapes and element
 * types, and factories. Tensors know nothing of graphs or gradients; the arithmetic they offer
 * is delegated to the {@code kernel} package.
 */
package dev.unfold.tensor;
