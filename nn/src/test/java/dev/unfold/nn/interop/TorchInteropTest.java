package dev.unfold.nn.interop;

import static dev.unfold.testing.JsonFixtures.tensor;
import static dev.unfold.testing.JsonFixtures.tensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Lengths;
import dev.unfold.nn.seq.SequenceLayer;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's nn.RNN/GRU/LSTM weights run here with the same outputs, final states, loss and every
 * gradient, to 1e-9 in float64. Fixture: {@code nn/src/test/resources/fixtures/torch_rnn.json},
 * written by {@code tools/fixtures/make_rnn_fixtures.py} (one and two layers, bidirectional,
 * packed variable-length batches, given initial states).
 */
class TorchInteropTest {
  private static final double TOL = 1e-9;

  static Stream<JsonNode> cases() {
    return dev.unfold.testing.JsonFixtures.cases("/fixtures/torch_rnn.json").stream();
  }

  private static void close(Tensor expected, Tensor actual, String what) {
    expected.mismatch(actual, TOL, TOL).ifPresent(m -> {
      throw new AssertionError(what + ": " + m);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(JsonNode c) {
    TorchInterop rnn = TorchInterop.load(TorchInterop.Mode.valueOf(c.get("mode").asText()), c.get("input_size").asInt(),
        c.get("hidden_size").asInt(), c.get("num_layers").asInt(), c.get("bidirectional").asBoolean(),
        tensors(c.get("params")));
    Linear head = TorchInterop.linear(Params.seeded("head", 0), tensors(c.get("head")));
    int steps = c.get("seq_len").asInt();
    int batch = c.get("batch").asInt();
    int classes = c.get("num_classes").asInt();
    Lengths lengths = null;
    if (!c.get("lengths").isNull()) {
      int[] l = new int[batch];
      for (int b = 0; b < batch; b++) {
        l[b] = c.get("lengths").get(b).asInt();
      }
      lengths = Lengths.of(l);
    }

    Graph g = new Graph();
    Node x = g.variable("x", tensor(c.get("input")));
    Node h0 = c.get("h0").isNull() ? null : g.variable("h0", tensor(c.get("h0")));
    Node c0 = c.get("c0").isNull() ? null : g.variable("c0", tensor(c.get("c0")));
    SequenceLayer.Output out = rnn.run(g, x, lengths, h0, c0);
    close(tensor(c.get("output")), out.outputs().value(), "output");
    close(tensor(c.get("h_n")), TorchInterop.stackFinal(g, out.finalStates(), 0).value(), "h_n");
    if (!c.get("c_n").isNull()) {
      close(tensor(c.get("c_n")), TorchInterop.stackFinal(g, out.finalStates(), 1).value(), "c_n");
    }

    // Cross-entropy over the valid positions, built from plain ops.
    Node logits = head.apply(g, out.outputs());
    close(tensor(c.get("logits")), logits.value(), "logits");
    double[] targets = new double[steps * batch];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        targets[t * batch + b] = c.get("targets").get(t).get(b).asInt();
      }
    }
    Node onehot = g.constant(Tensors.of(Shape.of(steps, batch), targets)).oneHot(classes);
    Node nll = onehot.mul(logits.logSoftmax(2)).sum(2, true).neg();  // [T×B×1]
    Lengths valid = lengths == null ? Lengths.full(batch, steps) : lengths;
    Node loss = nll.mul(g.constant(valid.masks(steps))).sum().mul(1.0 / valid.totalValid());
    assertEquals(c.get("loss").asDouble(), loss.value().item(), TOL);

    g.backward(loss);
    Map<String, Tensor> grads = rnn.gradients();
    Map<String, Tensor> expected = tensors(c.get("grads"));
    assertEquals(expected.keySet(), grads.keySet());
    expected.forEach((name, t) -> close(t, grads.get(name), "grad " + name));
    Map<String, Tensor> headGrads = TorchInterop.linearGradients(head);
    tensors(c.get("head_grads")).forEach((name, t) -> close(t, headGrads.get(name), "head grad " + name));
    close(tensor(c.get("input_grad")), x.grad(), "input grad");
    if (h0 != null) {
      close(tensor(c.get("h0_grad")), h0.grad(), "h0 grad");
    }
    if (c0 != null) {
      close(tensor(c.get("c0_grad")), c0.grad(), "c0 grad");
    }
  }

  @Test
  void badStateDictsGetClearErrors() throws IOException {
    JsonNode lstm = cases().filter(c -> c.get("name").asText().equals("lstm_1layer")).findFirst().orElseThrow();
    Map<String, Tensor> sd = tensors(lstm.get("params"));

    Map<String, Tensor> missing = new LinkedHashMap<>(sd);
    missing.remove("bias_hh_l0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchInterop.load(TorchInterop.Mode.LSTM, 3, 4, 1, false, missing));
    assertTrue(e.getMessage().contains("missing key bias_hh_l0"), e.getMessage());

    Map<String, Tensor> extra = new LinkedHashMap<>(sd);
    extra.put("weight_ih_l1", Tensors.zeros(16, 4));
    e = assertThrows(IllegalArgumentException.class, () -> TorchInterop.load(TorchInterop.Mode.LSTM, 3, 4, 1, false, extra));
    assertTrue(e.getMessage().contains("unexpected keys [weight_ih_l1]"), e.getMessage());

    Map<String, Tensor> wrong = new LinkedHashMap<>(sd);
    wrong.put("weight_hh_l0", Tensors.zeros(16, 5));
    e = assertThrows(IllegalArgumentException.class, () -> TorchInterop.load(TorchInterop.Mode.LSTM, 3, 4, 1, false, wrong));
    assertTrue(e.getMessage().contains("weight_hh_l0 has shape [16×5], expected [16×4]"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> TorchInterop.load(TorchInterop.Mode.GRU, 3, 4, 1, false, sd));
    assertTrue(e.getMessage().contains("weight_ih_l0 has shape [16×3], expected [12×3]"), e.getMessage());
  }
}
