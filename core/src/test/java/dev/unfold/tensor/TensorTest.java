package dev.unfold.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.check.GradCheck;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.kernel.Kernels;
import dev.unfold.tensor.kernel.MatMul;
import dev.unfold.testing.Values;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void factoriesAndElementRead() {
    Tensor m = Tensors.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertEquals(Shape.of(2, 3), m.shape());
    assertEquals(DType.FLOAT64, m.dtype());
    assertEquals(6, m.get(1, 2));
    assertEquals(2, m.getFlat(1));
    assertEquals(Tensors.full(Shape.of(2, 2), 1), Tensors.ones(2, 2));
    assertEquals(0, Tensors.zeros(3).sum().item());
    assertEquals(Shape.of(2, 2, 1), Tensors.of(new double[][][] {{{1}, {2}}, {{3}, {4}}}).shape());
    assertEquals(Shape.scalar(), Tensors.scalar(2).shape());
    assertEquals(1, Tensors.scalar(2).size());
    assertThrows(IndexOutOfBoundsException.class, () -> m.get(2, 0));
    assertThrows(ShapeException.class, () -> m.get(1));
    assertThrows(ShapeException.class, () -> Tensors.of(new double[][] {{1, 2}, {3}}));
    assertThrows(ShapeException.class, () -> Tensors.of(Shape.of(2, 2), 1, 2, 3));
    assertThrows(ShapeException.class, () -> Shape.of(2, -1));
  }

  @Test
  void seededRandomFactoriesAreReproducible() {
    Tensor a = Tensors.normal(new Well19937c(3), Shape.of(100), 1, 2);
    assertEquals(a, Tensors.normal(new Well19937c(3), Shape.of(100), 1, 2));
    assertNotEquals(a, Tensors.normal(new Well19937c(4), Shape.of(100), 1, 2));
    Tensor u = Tensors.uniform(new Well19937c(3), Shape.of(1000), -2, 5);
    for (int i = 0; i < u.size(); i++) {
      assertTrue(u.getFlat(i) >= -2 && u.getFlat(i) < 5);
    }
    assertEquals(1.5, u.sum().item() / 1000, 0.3);
  }

  @Test
  void equalityComparesShapeAndBits() {
    Tensor a = Tensors.vector(1, 2, 3, 4);
    assertEquals(a, Tensors.vector(1, 2, 3, 4));
    assertEquals(a.hashCode(), Tensors.vector(1, 2, 3, 4).hashCode());
    assertNotEquals(a, a.reshape(Shape.of(2, 2)));
    assertNotEquals(Tensors.vector(0.0), Tensors.vector(-0.0));
    assertEquals(Tensors.vector(Double.NaN), Tensors.vector(Double.NaN));
  }

  @Test
  void approximateEqualityDescribesTheFirstDifference() {
    Tensor a = Tensors.vector(1, 2, 3);
    assertTrue(a.closeTo(Tensors.vector(1, 2, 3 + 1e-12), 1e-9, 0));
    assertFalse(a.closeTo(Tensors.vector(1, 2.1, 3), 1e-9, 1e-9));
    String m = a.mismatch(Tensors.vector(1, 2.1, 3), 1e-9, 1e-9).orElseThrow();
    assertTrue(m.startsWith("element 1 of [3]: 2.0 vs 2.1"), m);
    assertTrue(a.mismatch(Tensors.vector(1, 2), 1, 1).orElseThrow().contains("shapes differ"));
    assertFalse(Tensors.vector(Double.NaN).closeTo(Tensors.vector(1), 1, 1));
  }

  @Test
  void readableToString() {
    assertEquals("Tensor[2×3] float64 [[1, 2, 3], [4, 5, 6]]",
        Tensors.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).toString());
    assertEquals("Tensor[] float64 0.25", Tensors.scalar(0.25).toString());
    assertEquals("Tensor[8] float64 [0, 1, 2, …, 5, 6, 7]", Tensors.arange(8).toString());
    assertEquals("Tensor[2] float64 [3.1416, -2.5e-07]", Tensors.vector(Math.PI, -2.5e-7).toString());
  }

  @Test
  void broadcastingArithmeticFollowsNumPy() {
    Tensor a = Tensors.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertEquals(Tensors.of(new double[][] {{11, 22, 33}, {14, 25, 36}}), a.add(Tensors.vector(10, 20, 30)));
    assertEquals(Tensors.of(new double[][] {{10, 20, 30}, {400, 500, 600}}),
        a.mul(Tensors.of(new double[][] {{10}, {100}})));
    assertEquals(Shape.of(2, 2, 3), a.add(Tensors.zeros(2, 1, 1)).shape());
    ShapeException e = assertThrows(ShapeException.class, () -> a.add(Tensors.zeros(2)));
    assertTrue(e.getMessage().startsWith("add: shapes [2×3] and [2] do not broadcast"), e.getMessage());
    assertEquals(Tensors.vector(5, 7, 9), a.sumTo(Shape.of(3)));
    assertEquals(Tensors.of(new double[][] {{6}, {15}}), a.sumTo(Shape.of(2, 1)));
    assertEquals(Tensors.scalar(21), a.sumTo(Shape.scalar()));
    assertEquals(a, Tensors.vector(1, 2, 3).broadcastTo(Shape.of(2, 3)).add(Tensors.of(new double[][] {{0, 0, 0}, {3, 3, 3}})));
  }

  @Test
  void matmulTransposesAndBatches() {
    Tensor a = Tensors.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
    Tensor b = Tensors.of(new double[][] {{1, 0, 2}, {0, 1, 3}});
    assertEquals(Tensors.of(new double[][] {{1, 2, 8}, {3, 4, 18}, {5, 6, 28}}), a.matmul(b));
    assertEquals(a.matmul(b), a.matmul(b.transpose(), false, true));
    assertEquals(a.matmul(b), a.transpose().matmul(b, true, false));
    Tensor batch = Values.signed(1, 3, 2, 4);
    Tensor w = Values.signed(2, 4, 5);
    Tensor out = batch.matmul(w);
    for (int p = 0; p < 3; p++) {
      assertEquals(batch.slice(0, p, p + 1).reshape(Shape.of(2, 4)).matmul(w),
          out.slice(0, p, p + 1).reshape(Shape.of(2, 5)));
    }
    ShapeException e = assertThrows(ShapeException.class, () -> Tensors.zeros(3, 4).matmul(Tensors.zeros(5, 2)));
    assertEquals("matmul: inner dimensions differ, [3×4] · [5×2] (4 ≠ 5)", e.getMessage());
    assertThrows(ShapeException.class, () -> Tensors.zeros(2, 3, 4).matmul(Tensors.zeros(3, 4, 2)));
    assertThrows(ShapeException.class, () -> Tensors.zeros(4).matmul(Tensors.zeros(4, 2)));
  }

  @Test
  void aWeightReadByManyFewRowProductsGivesTheSameBitsWhenItsPackedFormIsKept() {
    // A weight read at every time step is packed on its second few-row product and kept; every
    // product must equal the one from a fresh copy of the weight, which reads it in place.
    for (DType dtype : DType.values()) {
      Tensor w = Tensors.normal(new Well19937c(5), Shape.of(70, 300), 0, 1).to(dtype);
      Tensor x = Tensors.normal(new Well19937c(6), Shape.of(32, 70), 0, 1).to(dtype);
      Tensor batch = Tensors.normal(new Well19937c(7), Shape.of(2, 9, 70), 0, 1).to(dtype);
      Tensor bias = Tensors.normal(new Well19937c(8), Shape.of(300), 0, 1).to(dtype);
      Tensor dz = Tensors.normal(new Well19937c(9), Shape.of(32, 300), 0, 1).to(dtype);
      for (int use = 0; use < 3; use++) {
        assertEquals(x.matmul(w.scale(1.0)), x.matmul(w), dtype + " use " + use);
        assertEquals(batch.matmul(w.scale(1.0)), batch.matmul(w), dtype + " use " + use);
        assertEquals(x.matmulAdd(w.scale(1.0), bias), x.matmulAdd(w, bias), dtype + " use " + use);
        assertEquals(dz.matmul(w.scale(1.0), false, true), dz.matmul(w, false, true), dtype + " use " + use);
      }
      assertEquals(Kernels.vectorized(), w.keepsPackedB(false), "kept only where the SIMD kernels read it");
      assertEquals(Kernels.vectorized(), w.keepsPackedB(true), "kept only where the SIMD kernels read it");
    }
    // A weight above the size bound is read in place, never copied.
    Tensor big = Tensors.zeros(Shape.of(8, MatMul.MAX_PACKED_B / 8 + 1), DType.FLOAT32);
    Tensor row = Tensors.ones(1, 8).to(DType.FLOAT32);
    for (int use = 0; use < 3; use++) {
      assertEquals(0.0, row.matmul(big).sum().item());
    }
    assertFalse(big.keepsPackedB(false), "a weight above the bound is not copied");
    if (Kernels.vectorized()) {
      Tensor small = Tensors.zeros(Shape.of(8, 16), DType.FLOAT32);
      row.matmul(small);
      assertFalse(small.keepsPackedB(false), "read once, not copied");
      row.matmul(small);
      assertTrue(small.keepsPackedB(false), "read twice, packed");
    }
  }

  @Test
  void layoutOperations() {
    Tensor x = Tensors.arange(24).reshape(Shape.of(2, 3, 4));
    Tensor p = x.permute(2, 0, 1);
    assertEquals(Shape.of(4, 2, 3), p.shape());
    assertEquals(x.get(1, 2, 3), p.get(3, 1, 2));
    assertEquals(x, p.permute(1, 2, 0));
    Tensor s = x.slice(1, 1, 3);
    assertEquals(Shape.of(2, 2, 4), s.shape());
    assertEquals(x.get(1, 2, 0), s.get(1, 1, 0));
    assertEquals(x, Tensor.concat(1, java.util.List.of(x.slice(1, 0, 1), s)));
    Tensor padded = s.pad(1, 1, 0);
    assertEquals(0, padded.get(0, 0, 0));
    assertEquals(x.get(0, 1, 2), padded.get(0, 1, 2));
    assertEquals(Tensors.of(new double[][] {{0, 1, 0}, {1, 0, 0}}), Tensor.oneHot(new int[] {1, 0}, Shape.of(2), 3));
    assertThrows(IndexOutOfBoundsException.class, () -> Tensor.oneHot(new int[] {3}, Shape.of(1), 3));
    assertThrows(ShapeException.class, () -> x.slice(1, 2, 4));
    assertThrows(ShapeException.class, () -> x.permute(0, 0, 1));
    assertThrows(ShapeException.class, () -> Tensor.concat(0, java.util.List.of(x, Tensors.zeros(2, 2, 4))));
  }

  @Test
  void reductionsAndStableLogSoftmax() {
    Tensor x = Tensors.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertEquals(Tensors.vector(5, 7, 9), x.sum(0, false));
    assertEquals(Tensors.of(new double[][] {{6}, {15}}), x.sum(1, true));
    assertEquals(Tensors.vector(3, 6), x.max(-1, false));
    Tensor big = Tensors.of(new double[][] {{1000, 999, -1000}});
    Tensor ls = big.logSoftmax(1);
    assertTrue(ls.isFinite());
    assertEquals(-Math.log1p(Math.exp(-1)), ls.get(0, 0), 1e-15);
    assertEquals(-2000 - Math.log1p(Math.exp(-1)), ls.get(0, 2), 1e-12);
  }

  /** Zero-size and size-1 dimensions work in kernels and through backprop. */
  @Test
  void zeroAndOneSizedDimensions() {
    Tensor empty = Tensors.zeros(0, 3);
    assertEquals(Shape.of(0, 2), empty.matmul(Tensors.ones(3, 2)).shape());
    assertEquals(Tensors.zeros(4, 2), Tensors.zeros(4, 0).matmul(Tensors.zeros(0, 2)));
    assertEquals(Tensors.zeros(3), empty.sum(0, false));
    assertEquals(Shape.of(0, 3), empty.add(Tensors.ones(3)).shape());
    assertEquals(Tensors.zeros(3), empty.add(Tensors.ones(3)).sumTo(Shape.of(3)));
    Graph g = new Graph();
    Node e = g.variable("e", empty);
    Node w = g.variable("w", Values.signed(1, 3, 2));
    g.backward(e.matmul(w).tanh().sum().add(w.sum()));
    assertEquals(Tensors.ones(3, 2), w.grad());
    assertEquals(Shape.of(0, 3), e.grad().shape());
    GradCheck.of("size-1 dims", in -> in.get(0).matmul(in.get(1)).logSoftmax(0))
        .inputs(Values.signed(2, 1, 1), Values.signed(3, 1, 1)).check();
  }
}
