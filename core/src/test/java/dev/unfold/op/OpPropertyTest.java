package dev.unfold.op;

import static dev.unfold.testing.Values.positive;
import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every primitive's forward and pullback must have, over seeded inputs: inputs stay
 * bit-identical, each gradient has its input's shape, and the pullback is linear in dOut.
 */
class OpPropertyTest {

  /** Every registered primitive on valid inputs, for each of a few seeds. */
  static Stream<Arguments> ops() {
    List<Arguments> out = new ArrayList<>();
    for (long seed = 0; seed < 5; seed++) {
      long s = seed * 100;
      out.add(Arguments.of(new Add(), new Tensor[] {signed(s, 2, 3), signed(s + 1, 3)}));
      out.add(Arguments.of(new Sub(), new Tensor[] {signed(s, 2, 1), signed(s + 1, 1, 3)}));
      out.add(Arguments.of(new Mul(), new Tensor[] {signed(s, 2, 3, 2), signed(s + 1, 3, 1)}));
      out.add(Arguments.of(new Div(), new Tensor[] {signed(s, 2, 3), positive(s + 1, 3)}));
      out.add(Arguments.of(new Neg(), new Tensor[] {signed(s, 4)}));
      out.add(Arguments.of(new MatMul(), new Tensor[] {signed(s, 2, 3, 4), signed(s + 1, 4, 2)}));
      out.add(Arguments.of(new Transpose(1, 2, 0), new Tensor[] {signed(s, 2, 3, 4)}));
      out.add(Arguments.of(new Reshape(-1, 2), new Tensor[] {signed(s, 2, 3, 4)}));
      out.add(Arguments.of(new Concat(0), new Tensor[] {signed(s, 1, 3), signed(s + 1, 2, 3)}));
      out.add(Arguments.of(new Slice(1, 1, 3), new Tensor[] {signed(s, 2, 4)}));
      out.add(Arguments.of(new Sum(1, true), new Tensor[] {signed(s, 2, 3, 4)}));
      out.add(Arguments.of(new Exp(), new Tensor[] {signed(s, 5)}));
      out.add(Arguments.of(new Log(), new Tensor[] {positive(s, 5)}));
      out.add(Arguments.of(new Tanh(), new Tensor[] {signed(s, 5)}));
      out.add(Arguments.of(new Sigmoid(), new Tensor[] {signed(s, 5)}));
      out.add(Arguments.of(new Relu(), new Tensor[] {signed(s, 5)}));
      out.add(Arguments.of(new Pow(1.5), new Tensor[] {positive(s, 5)}));
      out.add(Arguments.of(new Clamp(-0.3, 0.3), new Tensor[] {signed(s, 5)}));
      out.add(Arguments.of(new LogSoftmax(0), new Tensor[] {signed(s, 3, 2)}));
      out.add(Arguments.of(new GatherRows(), new Tensor[] {signed(s, 4, 2), Tensors.indices(3, 0, 3)}));
      out.add(Arguments.of(new OneHot(3), new Tensor[] {Tensors.indices(2, 0, 1, 1)}));
      out.add(Arguments.of(new Where(), new Tensor[] {Tensors.vector(1, 0, 1), signed(s, 2, 3), signed(s + 1, 3)}));
      out.add(Arguments.of(new Dropout(0.5, s), new Tensor[] {signed(s, 6)}));
      out.add(Arguments.of(new Detach(), new Tensor[] {signed(s, 3)}));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {index}")
  @MethodSource("ops")
  void forwardLeavesInputsBitIdenticalAndPullbackIsShapedAndLinear(Op op, Tensor[] inputs) {
    Tensor[] copies = new Tensor[inputs.length];
    double[][] bits = new double[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      copies[i] = inputs[i];
      bits[i] = inputs[i].toArray();
    }
    Op.Applied applied = op.apply(inputs);
    assertEquals(op.outputShape(Stream.of(inputs).map(Tensor::shape).toList()), applied.value().shape());
    Tensor dOut = signed(7, applied.value().shape().dims());
    Tensor[] g1 = applied.vjp().pullback(dOut);
    Tensor[] g3 = applied.vjp().pullback(dOut.scale(3));
    assertEquals(inputs.length, g1.length, "one gradient per input");
    for (int i = 0; i < inputs.length; i++) {
      assertEquals(Tensors.of(copies[i].shape(), bits[i]), inputs[i], "input " + i + " modified");
      if (g1[i] == null) {
        continue;
      }
      assertEquals(inputs[i].shape(), g1[i].shape(), "gradient " + i + " shape");
      TensorAssert.assertClose(g1[i].scale(3), g3[i], 1e-12, 1e-14);
    }
    assertEquals(Tensors.of(dOut.shape(), dOut.toArray()), dOut, "dOut modified");
  }
}
