package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * An op of one input written as a forward and a backward side by side. The backward receives
 * the input and the output, so most ops need no saved state. The default output shape is the
 * input's (element-wise ops); override {@link #outputShape} otherwise.
 */
public interface UnaryOp extends Op {
  /** The output for input {@code x}; never modifies {@code x}. */
  Tensor forward(Tensor x);

  /** dL/dx given dL/dy, the output {@code y} and the input {@code x}. */
  Tensor backward(Tensor dy, Tensor y, Tensor x);

  @Override
  default Shape outputShape(List<Shape> in) {
    Arity.require(this, in, 1);
    return in.get(0);
  }

  @Override
  default Applied apply(Tensor... in) {
    Tensor x = in[0];
    Tensor y = forward(x);
    return new Applied(y, dy -> new Tensor[] {backward(dy, y, x)});
  }
}
