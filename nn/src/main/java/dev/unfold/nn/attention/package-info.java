/**
 * Attention as graph-building composites: {@link dev.unfold.nn.attention.AttentionPooling} for
 * sequence classification, and additive (Bahdanau) and dot/general (Luong) attention of a
 * decoder over encoder states, masked for padding, with every step's weights kept for plotting.
 */
package dev.unfold.nn.attention;
