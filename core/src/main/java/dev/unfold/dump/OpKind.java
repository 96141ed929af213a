package dev.unfold.dump;

import dev.unfold.graph.Node;
import java.util.Set;

/** Families of ops, each with the fill colour the DOT dump gives its nodes. */
enum OpKind {
  PARAMETER("#9ecae1"),
  INPUT("#e5e5e5"),
  MATMUL("#fdae6b"),
  ARITHMETIC("#ffeda0"),
  ACTIVATION("#a1d99b"),
  REDUCTION("#bcbddc"),
  LAYOUT("#c7e9e9"),
  OTHER("#ffffff");

  private static final Set<String> ARITHMETIC_OPS = Set.of("add", "sub", "mul", "div", "neg", "pow", "clamp");
  private static final Set<String> ACTIVATION_OPS =
      Set.of("tanh", "sigmoid", "relu", "exp", "log", "log_softmax", "dropout", "lstm_update", "gru_update");
  private static final Set<String> REDUCTION_OPS = Set.of("sum");
  private static final Set<String> LAYOUT_OPS =
      Set.of("reshape", "transpose", "concat", "slice", "gather_rows", "one_hot", "where", "detach");

  private final String fill;

  OpKind(String fill) {
    this.fill = fill;
  }

  String fill() {
    return fill;
  }

  /** The family of a node of this kind and op name; user ops fall under {@link #OTHER}. */
  static OpKind of(Node.Kind kind, String op) {
    return switch (kind) {
      case PARAMETER -> PARAMETER;
      case CONSTANT, VARIABLE -> INPUT;
      case OP -> op.equals("matmul") ? MATMUL
          : ARITHMETIC_OPS.contains(op) ? ARITHMETIC
          : ACTIVATION_OPS.contains(op) ? ACTIVATION
          : REDUCTION_OPS.contains(op) ? REDUCTION
          : LAYOUT_OPS.contains(op) ? LAYOUT
          : OTHER;
    };
  }
}
