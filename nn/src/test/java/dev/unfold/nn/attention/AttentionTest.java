package dev.unfold.nn.attention;

import static dev.unfold.testing.JsonFixtures.tensor;
import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unfold.check.GradCheck;
import dev.unfold.graph.BackwardOptions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.TensorAssert;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AttentionTest {

  static Stream<JsonNode> poolingCases() {
    return dev.unfold.testing.JsonFixtures.cases("/fixtures/attention_pooling.json").stream();
  }

  /** Outputs and gradients against PyTorch ({@code tools/fixtures/make_attention_pooling_fixture.py}). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("poolingCases")
  void attentionPoolingMatchesPyTorch(JsonNode c) {
    int[] l = new int[c.get("lengths").size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = c.get("lengths").get(i).asInt();
    }
    Params p = Params.seeded("pool", 0);
    AttentionPooling pool = new AttentionPooling(p, 4);
    pool.query().set(tensor(c.get("w")));
    Graph g = new Graph();
    Node states = g.variable("h", tensor(c.get("states")));
    AttentionPooling.Result r = pool.apply(g, states, Lengths.of(l));
    TensorAssert.assertClose(tensor(c.get("alpha")), r.weights().value(), 1e-12, 1e-15);
    TensorAssert.assertClose(tensor(c.get("pooled")), r.pooled().value(), 1e-12, 1e-15);
    g.backward(r.pooled(), tensor(c.get("seed")), BackwardOptions.defaults());
    TensorAssert.assertClose(tensor(c.get("states_grad")), states.grad(), 1e-12, 1e-14);
    TensorAssert.assertClose(tensor(c.get("w_grad")), pool.query().grad(), 1e-12, 1e-14);
  }

  @Test
  void poolingGradientCheckWithMasks() {
    Params p = Params.seeded("pool", 1);
    AttentionPooling pool = new AttentionPooling(p, 3);
    GradCheck.of("attention pooling, lengths [4, 2, 1]", in -> {
      AttentionPooling.Result r = pool.apply(in.get(0).graph(), in.get(0), Lengths.of(4, 2, 1));
      return in.get(0).graph().concat(1, r.pooled(), r.weights().transpose());
    }).inputs(signed(2, 4, 3, 3)).parameters(pool.query()).check();
  }

  @Test
  void paddedStepsGetZeroWeightAndNoGradient() {
    AttentionPooling pool = new AttentionPooling(Params.seeded("pool", 1), 3);
    Graph g = new Graph();
    Node h = g.variable("h", signed(3, 4, 2, 3));
    AttentionPooling.Result r = pool.apply(g, h, Lengths.of(4, 2));
    assertEquals(0.0, r.weights().value().get(2, 1));
    assertEquals(0.0, r.weights().value().get(3, 1));
    assertEquals(1.0, r.weights().value().slice(1, 1, 2).sum().item(), 1e-15);
    g.backward(r.pooled().sum());
    assertEquals(Tensors.zeros(2, 1, 3), h.grad().slice(0, 2, 4).slice(1, 1, 2));
    assertTrue(h.grad().isFinite());
  }

  static Stream<String> decoderAttentions() {
    return Stream.of("additive", "dot", "general");
  }

  private static Attention make(String kind, Params p, int q, int k) {
    return switch (kind) {
      case "additive" -> new AdditiveAttention(p, q, k, 5);
      case "dot" -> MultiplicativeAttention.dot(k);
      default -> MultiplicativeAttention.general(p, q, k);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoderAttentions")
  void decoderAttentionGradientCheckWithPadding(String kind) {
    Params p = Params.seeded(kind, 3);
    int q = kind.equals("dot") ? 4 : 3;
    Attention att = make(kind, p, q, 4);
    GradCheck.of(kind + " attention, lengths [5, 2]", in -> {
      Graph g = in.get(0).graph();
      Attention.Prepared prepared = att.prepare(g, in.get(0), Lengths.of(5, 2));
      Attention.Result r1 = prepared.attend(g, in.get(1));
      Attention.Result r2 = prepared.attend(g, in.get(1).tanh());
      return g.concat(1, r1.context(), r1.weights(), r2.context());
    }).inputs(signed(4, 5, 2, 4), signed(5, 2, q)).parameters(p.all().toArray(new Parameter[0])).check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoderAttentions")
  void weightsSumToOneOverValidStepsAndContextIsTheWeightedSum(String kind) {
    Params p = Params.seeded(kind, 5);
    int q = kind.equals("dot") ? 4 : 3;
    Attention att = make(kind, p, q, 4);
    Graph g = new Graph();
    Tensor keys = signed(6, 5, 2, 4);
    Attention.Result r = att.prepare(g, g.constant(keys), Lengths.of(5, 3)).attend(g, g.constant(signed(7, 2, q)));
    Tensor w = r.weights().value();
    assertEquals(1.0, w.slice(0, 1, 2).sum().item(), 1e-12);
    assertEquals(0.0, w.get(1, 3));
    assertEquals(0.0, w.get(1, 4));
    Tensor expected = Tensors.zeros(4);
    for (int t = 0; t < 5; t++) {
      expected = expected.add(keys.slice(0, t, t + 1).slice(1, 1, 2).reshape(Shape.of(4)).scale(w.get(1, t)));
    }
    TensorAssert.assertClose(expected, r.context().value().slice(0, 1, 2).reshape(Shape.of(4)), 1e-12, 1e-15);
    ShapeException e = assertThrows(ShapeException.class,
        () -> att.prepare(g, g.constant(keys), null).attend(g, g.constant(Tensors.zeros(3, q))));
    assertTrue(e.getMessage().contains("query must be [2×" + q + "], got [3×" + q + "]"), e.getMessage());
  }
}
