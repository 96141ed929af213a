/**
 * Optimizers (SGD with momentum and Nesterov, Adam, AdamW, RMSProp, Adagrad), learning-rate
 * schedules and gradient clipping. Optimizers update {@code Parameter}s from their accumulated
 * gradients and expose their state by name for checkpoints.
 */
package dev.unfold.nn.optim;
