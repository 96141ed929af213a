package dev.unfold.op;

import java.util.List;

/**
 * The registry of the library's primitive ops. Every class listed here has a float64 gradient
 * check, and a test fails when a primitive is missing from this list or from those checks.
 */
public final class Ops {
  private Ops() {}

  private static final List<Class<? extends Op>> ALL = List.of(
      Add.class, Sub.class, Mul.class, Div.class, Neg.class,
      MatMul.class, MatMulAdd.class, Transpose.class, Reshape.class, Concat.class, Slice.class, Sum.class,
      Exp.class, Log.class, Tanh.class, Sigmoid.class, Relu.class, Pow.class, Clamp.class,
      LogSoftmax.class, SoftmaxCrossEntropy.class, GatherRows.class, OneHot.class, Where.class, Dropout.class, Detach.class,
      LstmUpdate.class, GruUpdate.class);

  /** Every primitive op class, in a fixed order. */
  public static List<Class<? extends Op>> all() {
    return ALL;
  }
}
