package dev.unfold.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every example runs end to end with tiny settings and writes what it promises. */
class ExamplesSmokeTest {

  private static String run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new Launcher()).execute(args);
      assertEquals(0, code, () -> "exit code of " + String.join(" ", args) + "\n" + buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(saved);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of("charlm", List.of("--hidden", "16", "--batch", "4", "--bptt", "10", "--val-chars", "400", "--length", "30",
            "--sample-every", "2"), List.of("model.safetensors", "model.json", "metrics.csv", "loss.png", "samples.txt"),
            "bits per character"),
        Arguments.of("tagger", List.of(), List.of("metrics.csv", "loss.png", "model.safetensors"), "per-token accuracy"),
        Arguments.of("classify", List.of(), List.of("metrics.csv", "loss.png", "model.safetensors"), "attention weight"),
        Arguments.of("seq2seq", List.of(), List.of("metrics.csv", "loss.png", "attention.png", "model.safetensors"),
            "converted exactly"),
        Arguments.of("textbook", List.of(), List.of("loss-parity-elman.png", "metrics-delay-output-feedback.csv"),
            "elman, BPTT"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void runsWithTinySettingsAndWritesItsFiles(String name, List<String> extra, List<String> files, String expected,
      @TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path dump = dir.resolve("dump");
    List<String> args = new java.util.ArrayList<>(List.of(name, "--steps", "3", "--quiet", "--out", out.toString(),
        "--dump", dump.toString()));
    args.addAll(extra);
    String printed = run(args.toArray(new String[0]));
    assertTrue(printed.contains(expected), printed);
    for (String f : files) {
      assertTrue(Files.size(out.resolve(f)) > 0, f + " missing or empty in " + out);
    }
    try (Stream<Path> dumped = Files.walk(dump)) {
      List<String> names = dumped.map(p -> p.getFileName().toString()).toList();
      assertTrue(names.containsAll(List.of("graph.txt", "graph.dot", "graph-folded.dot", "graph.json", "gradient-flow.png")),
          names.toString());
    }
    byte[] png = Files.readAllBytes(out.resolve(files.stream().filter(f -> f.endsWith(".png")).findFirst().orElseThrow()));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void trainsInFloat32(String name, List<String> extra, List<String> files, String expected, @TempDir Path dir) {
    List<String> args = new java.util.ArrayList<>(List.of(name, "--steps", "2", "--quiet", "--dtype", "float32",
        "--out", dir.toString()));
    args.addAll(extra);
    String printed = run(args.toArray(new String[0]));
    assertTrue(printed.contains(expected), printed);
    assertTrue(Files.exists(dir.resolve(files.get(0))), files.get(0) + " missing in " + dir);
  }

  @Test
  void charlmSamplesFromItsCheckpoint(@TempDir Path dir) {
    Path out = dir.resolve("out");
    run("charlm", "--steps", "2", "--quiet", "--out", out.toString(), "--hidden", "8", "--batch", "4", "--bptt", "8",
        "--val-chars", "200", "--length", "10");
    String sampled = run("charlm", "--sample", "--out", out.toString(), "--length", "25", "--prime", "In the",
        "--temperature", "0.5");
    assertTrue(sampled.startsWith("In the"), sampled);
    assertEquals("In the".length() + 25, sampled.strip().length(), sampled);
  }

  @Test
  void helpListsTheFiveExamples() {
    String help = run("--help");
    for (String e : List.of("charlm", "tagger", "classify", "seq2seq", "textbook")) {
      assertTrue(help.contains(e), help);
    }
  }
}
