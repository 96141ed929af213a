package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * An op of two inputs written as a forward and a backward side by side. The default output
 * shape is the NumPy broadcast of the inputs; a broadcasting op's backward must sum each
 * gradient back to its input's shape ({@link Tensor#sumTo}).
 */
public interface BinaryOp extends Op {
  /** The output for inputs {@code a} and {@code b}; never modifies them. */
  Tensor forward(Tensor a, Tensor b);

  /** {@code {dL/da, dL/db}} given dL/dy, the output {@code y} and the inputs. */
  Tensor[] backward(Tensor dy, Tensor y, Tensor a, Tensor b);

  @Override
  default Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 2);
    return Shape.broadcast(name(), in.get(0), in.get(1));
  }

  @Override
  default Applied apply(Tensor... in) {
    Tensor a = in[0];
    Tensor b = in[1];
    Tensor y = forward(a, b);
    return new Applied(y, dy -> backward(dy, y, a, b));
  }
}
