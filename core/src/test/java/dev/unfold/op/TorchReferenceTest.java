package dev.unfold.op;

import static dev.unfold.testing.JsonFixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unfold.graph.BackwardOptions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Tensor;
import dev.unfold.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Outputs and gradients of every op against PyTorch in float64, from the fixture written by
 * {@code tools/fixtures/make_core_ops_fixture.py} (inputs, outputs, a seed gradient and
 * {@code d(Σ out ⊙ seed)/d input}).
 */
class TorchReferenceTest {
  private static final double RTOL = 1e-10;
  private static final double ATOL = 1e-12;

  static Stream<JsonNode> cases() {
    return dev.unfold.testing.JsonFixtures.cases("/fixtures/core_ops.json").stream();
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** The Unfold function for a fixture op id and its args. */
  private static Function<List<Node>, Node> function(String op, JsonNode args) {
    return switch (op) {
      case "add" -> in -> in.get(0).add(in.get(1));
      case "sub" -> in -> in.get(0).sub(in.get(1));
      case "mul" -> in -> in.get(0).mul(in.get(1));
      case "div" -> in -> in.get(0).div(in.get(1));
      case "neg" -> in -> in.get(0).neg();
      case "exp" -> in -> in.get(0).exp();
      case "log" -> in -> in.get(0).log();
      case "tanh" -> in -> in.get(0).tanh();
      case "sigmoid" -> in -> in.get(0).sigmoid();
      case "relu" -> in -> in.get(0).relu();
      case "square" -> in -> in.get(0).square();
      case "sqrt" -> in -> in.get(0).sqrt();
      case "pow" -> in -> in.get(0).pow(args.get("p").asDouble());
      case "clamp" -> in -> in.get(0).clamp(args.get("lo").asDouble(), args.get("hi").asDouble());
      case "matmul" -> in -> in.get(0).matmul(in.get(1));
      case "transpose" -> in -> in.get(0).permute(ints(args.get("perm")));
      case "reshape" -> in -> in.get(0).reshape(ints(args.get("shape")));
      case "concat" -> in -> in.get(0).graph().concat(args.get("axis").asInt(), in);
      case "slice" -> in -> in.get(0).slice(args.get("axis").asInt(), args.get("start").asInt(), args.get("end").asInt());
      case "sum" -> in -> args.has("axis")
          ? in.get(0).sum(args.get("axis").asInt(), args.get("keep_dims").asBoolean()) : in.get(0).sum();
      case "mean" -> in -> args.has("axis")
          ? in.get(0).mean(args.get("axis").asInt(), args.get("keep_dims").asBoolean()) : in.get(0).mean();
      case "log_softmax" -> in -> in.get(0).logSoftmax(args.get("axis").asInt());
      case "softmax" -> in -> in.get(0).softmax(args.get("axis").asInt());
      case "gather_rows" -> in -> in.get(0).gatherRows(in.get(1));
      case "one_hot" -> in -> in.get(0).oneHot(args.get("depth").asInt());
      case "softmax_cross_entropy" -> in -> in.get(0).softmaxCrossEntropy(in.get(1));
      case "where" -> in -> in.get(0).graph().where(in.get(0), in.get(1), in.get(2));
      default -> throw new AssertionError("fixture op without a mapping: " + op);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(JsonNode c) {
    Graph g = new Graph();
    List<Node> inputs = new ArrayList<>();
    JsonNode differentiable = c.get("differentiable");
    for (int i = 0; i < c.get("inputs").size(); i++) {
      Tensor v = tensor(c.get("inputs").get(i));
      inputs.add(differentiable.get(i).asBoolean() ? g.variable("in" + i, v) : g.constant("in" + i, v));
    }
    Node out = function(c.get("op").asText(), c.get("args")).apply(inputs);
    TensorAssert.assertClose(tensor(c.get("output")), out.value(), RTOL, ATOL);
    if (!out.requiresGrad()) {
      for (JsonNode grad : c.get("grads")) {
        assertEquals(true, grad.isNull(), "PyTorch has a gradient where Unfold has none");
      }
      return;
    }
    g.backward(out, tensor(c.get("grad_output")), BackwardOptions.defaults());
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode expected = c.get("grads").get(i);
      if (expected.isNull()) {
        assertFalse(inputs.get(i).requiresGrad(), "input " + i + " should not be differentiable");
      } else {
        TensorAssert.assertClose(tensor(expected), inputs.get(i).grad(), RTOL, ATOL);
      }
    }
  }
}
