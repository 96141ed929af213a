/** Feed-forward layers used around recurrent cells: {@link dev.unfold.nn.layer.Linear}, {@link dev.unfold.nn.layer.Embedding}. */
package dev.unfold.nn.layer;
