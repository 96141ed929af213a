/**
 * Finite-difference gradient checking in float64: {@link dev.unfold.check.GradCheck} compares
 * what backprop computes with central differences, for any function of nodes, so users can
 * check their own ops and cells the way the library checks its own.
 */
package dev.unfold.check;
