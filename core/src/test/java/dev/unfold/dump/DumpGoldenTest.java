package dev.unfold.dump;

import dev.unfold.graph.BackwardOptions;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.Dot;
import dev.unfold.testing.Golden;
import dev.unfold.testing.HandBuiltRnns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden files for a 3-step Elman RNN {@code a_t = tanh(x_t·W_ax + a_{t−1}·W_aa + b_a)} built
 * from plain ops, after a backward pass that kept every gradient. Each DOT file written is also
 * run through {@code dot -Tsvg}.
 */
class DumpGoldenTest {
  @TempDir Path dir;

  /** The RNN with loss {@code Σ a_2²}, gradients kept on every node. */
  static GraphDump elman() {
    HandBuiltRnns.Unrolled r = HandBuiltRnns.elman(3, 2, 3, 1.0, "a");
    Node loss = r.last().square().sum().named("loss");
    r.graph().backward(loss, Tensors.ones(loss.shape()), BackwardOptions.defaults().withRetainGrads(true));
    return GraphDump.of(r.graph());
  }

  @Test
  void textDumpOfElmanRnnMatchesGolden() throws IOException {
    GraphDump d = elman();
    Path file = dir.resolve("elman.txt");
    d.writeText(file);
    Golden.assertMatches("elman_rnn.txt", Files.readString(file));
  }

  @Test
  void foldedTextDumpOfElmanRnnMatchesGolden() throws IOException {
    Golden.assertMatches("elman_rnn_folded.txt", elman().options(DumpOptions.defaults().folded()).text());
  }

  @Test
  void unfoldedDotOfElmanRnnMatchesGoldenAndDotAcceptsIt() throws IOException {
    Path file = dir.resolve("elman_unfolded.dot");
    elman().writeDot(file);
    Golden.assertMatches("elman_rnn_unfolded.dot", Files.readString(file));
    Dot.assertAccepted(file);
  }

  @Test
  void foldedDotOfElmanRnnMatchesGoldenAndDotAcceptsIt() throws IOException {
    Path file = dir.resolve("elman_folded.dot");
    elman().options(DumpOptions.defaults().folded()).writeDot(file);
    Golden.assertMatches("elman_rnn_folded.dot", Files.readString(file));
    Dot.assertAccepted(file);
  }
}
