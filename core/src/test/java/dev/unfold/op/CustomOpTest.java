package dev.unfold.op;

import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.check.GradCheck;
import dev.unfold.check.GradCheckFailure;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Scope;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A user adds ops through the same public interface the library's ops use. */
class CustomOpTest {

  /** Softplus {@code y = log(1 + eˣ)}, written as a user would: forward and backward side by side. */
  static final class Softplus implements UnaryOp {
    @Override public String name() { return "softplus"; }
    // NOTE: max(x, 0) + log1p(e^{−|x|}) avoids overflow of eˣ for large x.
    @Override public Tensor forward(Tensor x) { return x.map(v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))); }
    @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.zip(x, (g, v) -> g * Sigmoid.sigmoid(v)); }
  }

  /**
   * A two-input op with residuals, implementing {@link Op#apply} directly: the squared distance
   * {@code Σ_j (a − b)²} along the last axis; VJP {@code da = 2·dy·(a − b)}, {@code db = −da}.
   */
  static final class SquaredDistance implements Op {
    @Override public String name() { return "squared_distance"; }

    @Override public Shape outputShape(List<Shape> in) {
      Arity.require(this, in, 2);
      if (!in.get(0).equals(in.get(1)) || in.get(0).rank() < 1) {
        throw ShapeException.of("%s: needs two operands of the same shape and rank ≥ 1, got %s and %s",
            name(), in.get(0), in.get(1));
      }
      return in.get(0).without(-1);
    }

    @Override public Applied apply(Tensor... in) {
      Tensor diff = in[0].sub(in[1]);  // the residual the backward needs
      Tensor y = diff.mul(diff).sum(-1, false);
      return new Applied(y, dy -> {
        Tensor da = diff.mul(dy.reshape(y.shape().append(1))).scale(2);
        return new Tensor[] {da, da.neg()};
      });
    }
  }

  @Test
  void userUnaryOpPassesTheGradientCheck() {
    GradCheck.of(new Softplus()).inputs(signed(1, 3, 4).scale(5)).check();
  }

  @Test
  void userOpWithResidualsPassesTheGradientCheck() {
    GradCheck.of(new SquaredDistance()).inputs(signed(2, 2, 3, 4), signed(3, 2, 3, 4)).check();
  }

  @Test
  void userOpsComposeWithLibraryOpsInAGraph() {
    Graph g = new Graph();
    Node a = g.variable("a", signed(4, 2, 3));
    Node b = g.variable("b", signed(5, 2, 3));
    Node d;
    try (Scope s = g.scope("metric")) {
      d = g.apply(new SquaredDistance(), g.apply(new Softplus(), a), b.tanh()).named("dist");
    }
    assertEquals("metric/dist", d.path());
    assertEquals("squared_distance", d.opName());
    g.backward(d.sum());
    assertTrue(a.hasGrad() && b.hasGrad());
    GradCheck.of("softplus(a) vs tanh(b)", in -> {
      Graph h = in.get(0).graph();
      return h.apply(new SquaredDistance(), h.apply(new Softplus(), in.get(0)), in.get(1).tanh());
    }).inputs(signed(4, 2, 3), signed(5, 2, 3)).check();
  }

  @Test
  void userShapeErrorsGetTheNodeContext() {
    Graph g = new Graph();
    Node a = g.constant("a", signed(6, 2, 3));
    Node b = g.constant("b", signed(7, 3, 2));
    ShapeException e = assertThrows(ShapeException.class, () -> g.apply(new SquaredDistance(), a, b));
    assertTrue(e.getMessage().startsWith("squared_distance: needs two operands of the same shape"), e.getMessage());
    assertTrue(e.getMessage().contains("#0 a const [2×3]") && e.getMessage().contains("#1 b const [3×2]"), e.getMessage());
  }

  @Test
  void aWrongUserBackwardIsCaught() {
    UnaryOp wrongSoftplus = new UnaryOp() {
      @Override public String name() { return "wrong_softplus"; }
      @Override public Tensor forward(Tensor x) { return new Softplus().forward(x); }
      @Override public Tensor backward(Tensor dy, Tensor y, Tensor x) { return dy.mul(y); }
    };
    assertThrows(GradCheckFailure.class, () -> GradCheck.of(wrongSoftplus).inputs(signed(8, 3)).check());
  }
}
