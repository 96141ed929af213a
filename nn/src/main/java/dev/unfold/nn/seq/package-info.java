/**
 * Sequence modules that compose cells: {@link dev.unfold.nn.seq.Unroller} (the scan over time
 * steps, with masking of padded steps), {@link dev.unfold.nn.seq.Unidirectional},
 * {@link dev.unfold.nn.seq.Bidirectional} and {@link dev.unfold.nn.seq.Stacked} layers,
 * {@link dev.unfold.nn.seq.TruncatedBptt} and the temporal
 * {@link dev.unfold.nn.seq.SkipConnectionCell}. None has a backward of its own.
 */
package dev.unfold.nn.seq;
