package dev.unfold.nn.cell;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.unfold.graph.Graph;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Tensor;
import dev.unfold.testing.TensorAssert;
import org.junit.jupiter.api.Test;

/** The two GRU forms, each checked against its own equations computed by hand. */
class GruVariantTest {
  private static double sig(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  @Test
  void bothFormsFollowTheirEquationsAndDiffer() {
    Tensor x = signed(1, 2, 3);
    Tensor h = signed(2, 2, 4);
    Params tp = Params.seeded("t", 3);
    GruCell textbook = new GruCell(tp, 3, 4, GruCell.Options.defaults().withVariant(GruCell.Variant.TEXTBOOK));
    Params pp = Params.seeded("t", 3);
    GruCell pytorch = new GruCell(pp, 3, 4);
    // Same W, U, b for both; give PyTorch's b_h and both b non-zero values.
    tp.find("t/b").orElseThrow().set(signed(4, 12));
    pp.find("t/b").orElseThrow().set(signed(4, 12));
    pp.find("t/b_h").orElseThrow().set(signed(5, 12));
    Tensor w = tp.find("t/W").orElseThrow().value();
    Tensor u = tp.find("t/U").orElseThrow().value();
    Tensor b = tp.find("t/b").orElseThrow().value();
    Tensor bh = pp.find("t/b_h").orElseThrow().value();

    Graph g = new Graph();
    Tensor tOut = textbook.step(g, g.constant(x), State.of(g.constant(h))).h().value();
    Tensor pOut = pytorch.step(g, g.constant(x), State.of(g.constant(h))).h().value();
    assertNotEquals(tOut, pOut);

    Tensor xw = x.matmul(w).add(b);
    Tensor r = xw.slice(1, 0, 4).add(h.matmul(u.slice(1, 0, 4))).map(GruVariantTest::sig);
    Tensor gate = xw.slice(1, 4, 8).add(h.matmul(u.slice(1, 4, 8))).map(GruVariantTest::sig);
    Tensor cand = xw.slice(1, 8, 12).add(r.mul(h).matmul(u.slice(1, 8, 12))).map(Math::tanh);
    Tensor one = dev.unfold.tensor.Tensors.ones(2, 4);
    TensorAssert.assertClose(gate.mul(cand).add(one.sub(gate).mul(h)), tOut);

    Tensor hu = h.matmul(u).add(bh);
    Tensor r2 = xw.slice(1, 0, 4).add(hu.slice(1, 0, 4)).map(GruVariantTest::sig);
    Tensor z2 = xw.slice(1, 4, 8).add(hu.slice(1, 4, 8)).map(GruVariantTest::sig);
    Tensor n2 = xw.slice(1, 8, 12).add(r2.mul(hu.slice(1, 8, 12))).map(Math::tanh);
    TensorAssert.assertClose(one.sub(z2).mul(n2).add(z2.mul(h)), pOut);
  }
}
