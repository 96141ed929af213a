/**
 * Graph dumps for debugging: an immutable {@link dev.unfold.dump.GraphSnapshot} of a graph
 * (nodes in creation order, so dumps are deterministic) shown as aligned text, as Graphviz DOT
 * (unfolded, or folded back into one recurrent cell by {@link dev.unfold.dump.FoldedView}), or as
 * JSON for tools; plus {@link dev.unfold.dump.GradientFlow}, the per-time-step gradient norms
 * that show vanishing and exploding gradients. Start at {@link dev.unfold.dump.GraphDump}.
 *
 * <p>The JSON format (schema 1) is documented in {@code docs/graph-dump-schema.md}. Pictures
 * need Graphviz's {@code dot} program ({@link dev.unfold.dump.Graphviz}); plots of the gradient
 * flow live in the {@code nn} module, which has a charting library. Nothing here changes a graph.
 */
package dev.unfold.dump;
