/**
 * Named parameters and their initialisers: {@link dev.unfold.nn.param.Params} is the one store
 * a model, an optimizer and a checkpoint share, with hierarchical names such as
 * {@code encoder/lstm/l0/W}.
 */
package dev.unfold.nn.param;
