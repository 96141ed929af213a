/**
 * The training loop: {@link dev.unfold.nn.train.Trainer} runs minibatches through a
 * {@link dev.unfold.nn.train.TrainingTask} with an optimizer, schedule and clipping, reports
 * progress, validates, stops early and keeps a {@link dev.unfold.nn.train.History}.
 */
package dev.unfold.nn.train;
