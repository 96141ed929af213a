package dev.unfold.nn.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Parameter;
import dev.unfold.nn.cell.GateParams;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class ParamsTest {

  @Test
  void hierarchicalNamesSummaryAndViews() {
    Params p = Params.seeded("encoder", 1);
    new LstmCell(p.child("lstm").child("l0"), 3, 4, LstmCell.Options.defaults().withLayout(GateParams.Layout.SEPARATE));
    p.child("head").create("W", Shape.of(4, 2), Init.xavierUniform());
    List<String> names = p.all().stream().map(Parameter::name).toList();
    assertTrue(names.contains("encoder/lstm/l0/W_f"), names.toString());
    assertTrue(names.contains("encoder/lstm/l0/U_o"), names.toString());
    assertEquals(13, names.size());
    assertEquals(4 * (3 * 4 + 4 * 4 + 4) + 8, p.count());
    assertEquals(12, p.child("lstm").all().size());
    String summary = p.summary();
    assertTrue(summary.contains("encoder/lstm/l0/W_f"), summary);
    assertTrue(summary.contains("[3×4]"), summary);
    assertTrue(summary.contains("total (13 parameters)"), summary);
    assertTrue(summary.contains("136"), summary);
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> p.child("head").create("W", Shape.of(1), Init.zeros()));
    assertTrue(dup.getMessage().contains("encoder/head/W already exists"));
  }

  @Test
  void orthogonalInitIsOrthogonalPerGateBlock() {
    Tensor q = Init.orthogonal().create(new Well19937c(1), Shape.of(5, 5));
    TensorAssert.assertClose(identity(5), q.matmul(q, true, false), 1e-12, 1e-12);
    Tensor fused = Init.orthogonal().create(new Well19937c(2), Shape.of(4, 12));
    for (int g = 0; g < 3; g++) {
      Tensor block = fused.slice(1, 4 * g, 4 * g + 4);
      TensorAssert.assertClose(identity(4), block.matmul(block, true, false), 1e-12, 1e-12);
    }
    Tensor rect = Init.orthogonal().create(new Well19937c(3), Shape.of(3, 5));
    TensorAssert.assertClose(identity(3), rect.matmul(rect, false, true), 1e-12, 1e-12);
  }

  @Test
  void xavierBoundsAndForgetBias() {
    Tensor w = Init.xavierUniform().create(new Well19937c(1), Shape.of(30, 50));
    double bound = Math.sqrt(6.0 / 80);
    for (int i = 0; i < w.size(); i++) {
      assertTrue(Math.abs(w.getFlat(i)) <= bound);
    }
    Tensor n = Init.xavierNormal().create(new Well19937c(2), Shape.of(300, 500));
    double var = n.mul(n).sum().item() / n.size();
    assertEquals(2.0 / 800, var, 2.0 / 800 * 0.05);
    Params p = Params.seeded("m", 3);
    new LstmCell(p, 2, 3, LstmCell.Options.defaults().withForgetBias(1));
    Tensor b = p.find("m/b").orElseThrow().value();
    assertEquals(Tensors.vector(0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0), b);  // gates i, f, g, o
  }

  private static Tensor identity(int n) {
    double[][] d = new double[n][n];
    for (int i = 0; i < n; i++) {
      d[i][i] = 1;
    }
    return Tensors.of(d);
  }
}
