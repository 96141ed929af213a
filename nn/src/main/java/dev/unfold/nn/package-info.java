/**
 * Recurrent models on the core graph: parameters and layers, recurrent cells, unrolling and
 * sequence modules, losses, optimizers and training. Knows nothing of the examples.
 */
package dev.unfold.nn;
