/**
 * The define-by-run graph: {@link dev.unfold.graph.Graph} records a node each time an op is
 * called on {@link dev.unfold.graph.Node}s and runs reverse-mode backprop over that tape;
 * {@link dev.unfold.graph.Parameter}s are the leaves that outlive graphs and collect gradients.
 * Nothing here knows about recurrence: an unrolled recurrent model is just a long tape whose
 * time steps carry {@link dev.unfold.graph.TimeStep} scopes.
 */
package dev.unfold.graph;
