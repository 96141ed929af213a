/**
 * Pictures of what core's diagnostics measure, drawn with a charting library that core does not
 * depend on: {@link dev.unfold.nn.diagnostics.GradientFlowPlot} plots a
 * {@link dev.unfold.dump.GradientFlow} report on a log scale. Computation stays in core.
 */
package dev.unfold.nn.diagnostics;
