package dev.unfold.nn.layer;

import dev.unfold.graph.Node;

/** An element-wise nonlinearity chosen by name, for cells and output heads. */
public enum Activation {
  IDENTITY, TANH, RELU, SIGMOID;

  /** This activation applied to {@code x} (the identity returns {@code x} itself). */
  public Node apply(Node x) {
    return switch (this) {
      case IDENTITY -> x;
      case TANH -> x.tanh();
      case RELU -> x.relu();
      case SIGMOID -> x.sigmoid();
    };
  }
}
