package dev.unfold.nn.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent reader agrees with the writer: {@code tools/safetensors/check_checkpoint.py},
 * which parses the format by hand with numpy, accepts what Unfold writes and catches a tampered
 * value. Needs {@code /usr/bin/python3} with numpy: fails without it when {@code CI=true} (where
 * {@code .ci/run} installs it), skips elsewhere.
 */
class SafeTensorsPythonCheckTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static Path script;

  @TempDir Path dir;

  @BeforeAll
  static void requirePythonWithNumpy() throws IOException, InterruptedException {
    String missing = null;
    if (!Files.isExecutable(PYTHON)) {
      missing = PYTHON + " is missing";
    } else if (run(List.of(PYTHON.toString(), "-c", "import numpy")).exit() != 0) {
      missing = "numpy is not importable by " + PYTHON + " (apt-get install python3-numpy)";
    }
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        fail(missing);
      }
      assumeTrue(false, "skipped: " + missing);
    }
    script = findScript();
  }

  /** tools/safetensors/check_checkpoint.py in the checkout; tests run from a module folder. */
  private static Path findScript() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path s = p.resolve("tools/safetensors/check_checkpoint.py");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    return fail("tools/safetensors/check_checkpoint.py not found above " + Path.of("").toAbsolutePath());
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + command);
    }
    return new Result(p.exitValue(), out);
  }

  /** Writes the checkpoint and its expected-values sidecar, then runs the script on them. */
  private Result check(Map<String, Tensor> tensors, Map<String, String> metadata, Path checkpoint)
      throws IOException, InterruptedException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode expected = json.createObjectNode();
    metadata.forEach(expected.putObject("__metadata__")::put);
    tensors.forEach((name, t) -> {
      ObjectNode e = expected.putObject(name);
      ArrayNode shape = e.putArray("shape");
      for (int d : t.shape().dims()) {
        shape.add(d);
      }
      ArrayNode data = e.putArray("data");
      for (double v : t.toArray()) {
        data.add(v);
      }
    });
    Path sidecar = dir.resolve("expected.json");
    json.writeValue(sidecar.toFile(), expected);
    return run(List.of(PYTHON.toString(), script.toString(), checkpoint.toString(), sidecar.toString()));
  }

  @Test
  void scriptAcceptsWhatUnfoldWrites() throws IOException, InterruptedException {
    Path f = dir.resolve("model.safetensors");
    Map<String, String> meta = Map.of("epoch", "7");
    SafeTensors.write(f, SafeTensorsTest.sample(), meta);
    Result r = check(SafeTensorsTest.sample(), meta, f);
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("OK, 5 tensors match"), r.output());
  }

  @Test
  void scriptCatchesATamperedValue() throws IOException, InterruptedException {
    Path f = dir.resolve("model.safetensors");
    SafeTensors.write(f, SafeTensorsTest.sample(), Map.of());
    // The last 8 bytes are the last element of the last tensor by name, "scalar" (-2.5).
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.nextUp(-2.5)).flip(), ch.size() - 8);
    }
    Result r = check(SafeTensorsTest.sample(), Map.of(), f);
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("tensor 'scalar': 1 of 1 elements differ"), r.output());
  }

  @Test
  void scriptCatchesAWrongShape() throws IOException, InterruptedException {
    Path f = dir.resolve("model.safetensors");
    Map<String, Tensor> tensors = SafeTensorsTest.sample();
    SafeTensors.write(f, tensors, Map.of());
    tensors.put("rnn/W", tensors.get("rnn/W").reshape(dev.unfold.tensor.Shape.of(4, 3)));
    Result r = check(tensors, Map.of(), f);
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("tensor 'rnn/W': shape [3, 4], expected [4, 3]"), r.output());
  }
}
