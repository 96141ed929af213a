/**
 * Recurrent cells: one {@link dev.unfold.nn.cell.RecurrentCell} interface for built-in and user
 * cells, the {@link dev.unfold.nn.cell.State} they carry, and the Elman, output-feedback, GRU
 * and LSTM cells. A cell computes one time step; unrolling, masking, direction and stacking
 * live in {@code dev.unfold.nn.seq}, so every cell gets them for free.
 */
package dev.unfold.nn.cell;
