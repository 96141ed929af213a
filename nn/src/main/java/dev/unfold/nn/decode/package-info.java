/**
 * Generating token sequences from a trained decoder step: greedy, sampling with temperature and
 * top-k, and beam search with length normalisation; ending at an end-of-sequence token, at an
 * extra "stop" output, at predicted lengths, or at a maximum length.
 */
package dev.unfold.nn.decode;
