package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import java.util.List;

/** Checks the number of inputs an op receives. */
public final class Arity {
  private Arity() {}

  /** @throws ShapeException naming the op when {@code in} does not hold exactly {@code n} shapes */
  public static void require(Op op, List<Shape> in, int n) {
    if (in.size() != n) {
      throw ShapeException.of("%s: expects %d input%s, got %d %s", op.name(), n, n == 1 ? "" : "s", in.size(), in);
    }
  }
}
