package dev.unfold.tensor;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/** Float32 tensors: conversion, promotion, and float arithmetic that is float64's rounded once (tanh and σ within 2 ulp). */
class Float32Test {
  private static Tensor f32(long seed, int... dims) {
    return signed(seed, dims).to(DType.FLOAT32);
  }

  @Test
  void conversionRoundsOnceAndWidensExactly() {
    Tensor x = Tensors.vector(0.1, 1.0 / 3, 1e-40, 3.4e38, -2.5);
    Tensor f = x.to(DType.FLOAT32);
    assertEquals(DType.FLOAT32, f.dtype());
    for (int i = 0; i < x.size(); i++) {
      assertEquals((double) (float) x.getFlat(i), f.getFlat(i), 0.0);
    }
    assertSame(f, f.to(DType.FLOAT32));
    assertEquals(f, f.to(DType.FLOAT64).to(DType.FLOAT32));
    assertNotEquals(x, f, "equal values of different types are different tensors");
    assertTrue(f.toString().contains("float32"), f.toString());
  }

  @Test
  void resultTypesFollowPyTorchPromotion() {
    Tensor a = f32(1, 2, 3);
    Tensor b = signed(2, 2, 3);
    assertEquals(DType.FLOAT32, a.add(a).dtype());
    assertEquals(DType.FLOAT64, a.add(b).dtype(), "float32 with float64 promotes");
    assertEquals(DType.FLOAT32, a.mul(Tensors.scalar(2.0)).dtype(), "a rank-0 constant takes the other's type");
    assertEquals(DType.FLOAT64, Tensors.scalar(2.0).to(DType.FLOAT32).mul(b).dtype());
    assertEquals(DType.FLOAT32, a.matmul(f32(3, 3, 4)).dtype());
    assertEquals(DType.FLOAT64, a.matmul(signed(3, 3, 4)).dtype());
    assertEquals(DType.FLOAT32, Tensor.concat(0, List.of(a, a)).dtype());
    assertEquals(DType.FLOAT64, Tensor.concat(0, List.of(a, b)).dtype());
    assertEquals(DType.FLOAT32, a.transpose().dtype(), "operations without a float32 loop keep the type");
    assertEquals(DType.FLOAT32, a.logSoftmax(1).dtype());
  }

  /** Float addition, subtraction, multiplication and division of floats are float64's rounded once (double rounding is innocuous for them). */
  @Test
  void arithmeticIsFloat64RoundedOnce() {
    Tensor a = f32(3, 4, 5);
    Tensor[] others = {f32(4, 4, 5), f32(5, 5), f32(6, 4, 1), Tensors.scalar(0.7).to(DType.FLOAT32)};
    List<BinaryOperator<Tensor>> ops = List.of(Tensor::add, Tensor::sub, Tensor::mul, Tensor::div);
    for (BinaryOperator<Tensor> op : ops) {
      for (Tensor b : others) {
        Tensor got = op.apply(a, b);
        Tensor expected = op.apply(a.to(DType.FLOAT64), b.to(DType.FLOAT64)).to(DType.FLOAT32);
        assertEquals(expected, got);
      }
    }
  }

  /** tanh and σ are computed in float, within 2 float ulps of float64's rounded once. */
  @Test
  void tanhAndSigmoidAreWithinTwoUlpOfFloat64Rounded() {
    Tensor big = f32(7, 3, 1500).scale(4);  // longer than one chunk of the SIMD kernels
    Tensor wide = big.to(DType.FLOAT64);
    assertWithinTwoUlp(wide.tanh().to(DType.FLOAT32), big.tanh());
    assertWithinTwoUlp(wide.sigmoid().to(DType.FLOAT32), big.sigmoid());
  }

  private static void assertWithinTwoUlp(Tensor expected, Tensor actual) {
    assertEquals(DType.FLOAT32, actual.dtype());
    for (int i = 0; i < expected.size(); i++) {
      float e = (float) expected.getFlat(i);
      float a = (float) actual.getFlat(i);
      assertTrue(Math.abs(a - e) <= 2 * Math.ulp(e), "at " + i + ": " + a + " vs " + e);
    }
  }

  @Test
  void layoutAndReductionsMatchFloat64() {
    Tensor a = f32(8, 3, 4, 5);
    Tensor wide = a.to(DType.FLOAT64);
    assertEquals(wide.slice(1, 1, 3).to(DType.FLOAT32), a.slice(1, 1, 3));
    assertEquals(wide.pad(2, 1, 2).to(DType.FLOAT32), a.pad(2, 1, 2));
    assertEquals(wide.reshape(Shape.of(12, 5)).to(DType.FLOAT32), a.reshape(Shape.of(12, 5)));
    assertTrue(a.sumTo(Shape.of(4, 1)).to(DType.FLOAT64).closeTo(wide.sumTo(Shape.of(4, 1)), 1e-6, 1e-6));
    assertTrue(a.matmul(a, false, true).to(DType.FLOAT64).closeTo(wide.matmul(wide, false, true), 1e-6, 1e-6));
  }

  @Test
  void sumsKeepTheirFirstTermsType() {
    Tensor a = f32(9, 3, 4);
    TensorSum s = TensorSum.of(a);
    s.add(signed(10, 3, 4));  // float64 term, converted
    s.addProduct(f32(11, 3, 2), false, f32(12, 2, 4), false);
    s.addSlice(f32(13, 3, 2), 1, 1);
    assertEquals(DType.FLOAT32, s.dtype());
    Tensor got = s.result();
    Tensor expected = a.to(DType.FLOAT64).add(signed(10, 3, 4).to(DType.FLOAT32).to(DType.FLOAT64))
        .add(f32(11, 3, 2).to(DType.FLOAT64).matmul(f32(12, 2, 4).to(DType.FLOAT64)))
        .add(f32(13, 3, 2).to(DType.FLOAT64).pad(1, 1, 1));
    assertEquals(DType.FLOAT32, got.dtype());
    assertTrue(got.to(DType.FLOAT64).closeTo(expected, 1e-6, 1e-6), got + " vs " + expected);
  }

  @Test
  void aFloat32GraphConvertsLeavesAndReturnsParameterGradientsInTheirType() {
    Parameter w = new Parameter("w", signed(14, 3, 2));
    Graph g = new Graph(DType.FLOAT32);
    Node x = g.constant(signed(15, 4, 3));
    Node loss = x.matmul(g.param(w)).tanh().add(1.0).sum();
    assertEquals(DType.FLOAT32, loss.value().dtype());
    g.backward(loss);
    assertEquals(DType.FLOAT64, w.grad().dtype(), "parameters keep float64 master values and gradients");

    Parameter w64 = new Parameter("w", signed(14, 3, 2));
    Graph g64 = new Graph();
    g64.backward(g64.constant(signed(15, 4, 3)).matmul(g64.param(w64)).tanh().add(1.0).sum());
    assertTrue(w.grad().closeTo(w64.grad(), 1e-5, 1e-6), w.grad() + " vs " + w64.grad());
    assertNotEquals(w.grad(), w64.grad(), "the float32 graph really computed in float32");
  }
}
