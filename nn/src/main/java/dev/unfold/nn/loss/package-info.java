/**
 * Losses that return a scalar node: softmax cross-entropy with integer targets, binary
 * cross-entropy from logits, mean squared error; each with an optional mask for padded steps
 * and a choice of sum or mean.
 */
package dev.unfold.nn.loss;
