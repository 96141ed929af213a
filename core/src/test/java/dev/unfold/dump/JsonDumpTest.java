package dev.unfold.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unfold.graph.Graph;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonDumpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private static GraphDump elman() {
    return DumpGoldenTest.elman().options(DumpOptions.defaults().withFullValuesUpTo(9));
  }

  @Test
  void roundTripKeepsEveryNodeSummaryAndSmallValue() throws IOException {
    GraphDump d = elman();
    Path file = dir.resolve("elman.json");
    d.writeJson(file);
    GraphSnapshot back = GraphDump.readJson(file);

    GraphSnapshot original = d.snapshot();
    assertEquals(original.nodeCount(), back.nodeCount());
    assertEquals(original.parameterCount(), back.parameterCount());
    assertTrue(back.complete());
    assertEquals(original.nodes().size(), back.nodes().size());
    for (int i = 0; i < original.nodes().size(); i++) {
      DumpNode a = original.nodes().get(i);
      DumpNode b = back.nodes().get(i);
      assertEquals(List.of(a.id(), a.kind(), a.op(), a.name(), a.scope(), a.inputs(), a.shape()),
          List.of(b.id(), b.kind(), b.op(), b.name(), b.scope(), b.inputs(), b.shape()));
      assertEquals(a.value(), b.value(), a.path());
      assertEquals(a.grad(), b.grad(), a.path());
      assertEquals(a.valueTensor(), b.valueTensor(), a.path());  // every tensor here has ≤ 9 elements
      assertEquals(a.gradTensor(), b.gradTensor(), a.path());
    }
    // What is derived from the snapshot is identical too.
    assertEquals(d.text(), GraphDump.of(back).options(d.options()).text());
    assertEquals(d.options(d.options().folded()).dot(), GraphDump.of(back).options(d.options().folded()).dot());
    assertTrue(Files.readString(file).startsWith("{\n  \"schema\" : 1,\n"));
  }

  @Test
  void nonFiniteValuesSurviveTheRoundTrip() throws IOException {
    Graph g = new Graph();
    g.constant("odd", Tensors.vector(1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).mul(2.0);
    Path file = dir.resolve("odd.json");
    GraphDump.of(g).options(DumpOptions.defaults().withFullValuesUpTo(4)).writeJson(file);
    DumpNode odd = GraphDump.readJson(file).nodes().get(0);
    assertEquals(1, odd.value().orElseThrow().nan());
    assertEquals(2, odd.value().orElseThrow().inf());
    assertEquals(Tensors.vector(1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
        odd.valueTensor().orElseThrow());
  }

  @Test
  void filteredDumpReadsBackAsAPartialSnapshot() throws IOException {
    Path file = dir.resolve("t1.json");
    elman().options(DumpOptions.defaults().withScopePrefix("rnn/t=1").folded()).writeJson(file);
    GraphSnapshot back = GraphDump.readJson(file);
    assertFalse(back.complete());
    assertEquals(24, back.nodeCount());
    assertEquals(List.of(10, 11, 12, 13, 14, 15), back.nodes().stream().map(DumpNode::id).toList());
  }

  @Test
  void truncatedFileGivesAClearError() throws IOException {
    Path file = dir.resolve("cut.json");
    elman().writeJson(file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    DumpFormatException e = assertThrows(DumpFormatException.class, () -> GraphDump.readJson(file));
    assertTrue(e.getMessage().startsWith("graph dump " + file + ": not valid JSON (truncated or corrupt?)"),
        e.getMessage());
  }

  @Test
  void emptyFileAndTrailingGarbageAreRejected() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.json"));
    assertEquals("graph dump " + empty + ": the file is empty",
        assertThrows(DumpFormatException.class, () -> GraphDump.readJson(empty)).getMessage());
    Path tail = dir.resolve("tail.json");
    Files.writeString(tail, elman().json() + "}");
    assertTrue(assertThrows(DumpFormatException.class, () -> GraphDump.readJson(tail)).getMessage()
        .contains("not valid JSON"));
  }

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of("newer schema", (Consumer<ObjectNode>) j -> j.put("schema", 2),
            "at schema: schema 2 is not supported; this reader knows schema 1"),
        Arguments.of("missing op", (Consumer<ObjectNode>) j -> node(j, 5).remove("op"), "at nodes[5].op: missing"),
        Arguments.of("input after its node", (Consumer<ObjectNode>) j -> ((ArrayNode) node(j, 5).get("inputs")).set(0, 20),
            "at nodes[5].inputs: input #20 does not come before node #5"),
        Arguments.of("ids out of order", (Consumer<ObjectNode>) j -> node(j, 6).put("id", 5),
            "at nodes[6].id: id 5 must be greater than the previous id 5"),
        Arguments.of("shape disagrees with count", (Consumer<ObjectNode>) j -> ((ArrayNode) node(j, 0).get("shape")).set(1, 4),
            "at nodes[0].value.count: 6 elements, but shape [2×4] has 8"),
        Arguments.of("summary disagrees with elements", (Consumer<ObjectNode>) j -> ((ObjectNode) node(j, 0).get("value"))
            .put("min", -5.0), "at nodes[0].value: the summary does not match the elements listed"),
        Arguments.of("path disagrees with scope", (Consumer<ObjectNode>) j -> node(j, 9).put("path", "rnn/t=1/a"),
            "at nodes[9].path: path \"rnn/t=1/a\" does not match scope \"rnn/t=0\" and name or op \"a\""),
        Arguments.of("unknown kind", (Consumer<ObjectNode>) j -> node(j, 1).put("kind", "weight"),
            "at nodes[1].kind: unknown kind \"weight\""),
        Arguments.of("text where a number belongs", (Consumer<ObjectNode>) j -> ((ObjectNode) node(j, 3).get("value"))
            .put("mean", "zero"), "at nodes[3].value.mean: expected a number"),
        Arguments.of("wrong parameter count", (Consumer<ObjectNode>) j -> j.put("parameterCount", 2),
            "at parameterCount: says 2 parameters, the nodes hold 3"),
        Arguments.of("edited folded view", (Consumer<ObjectNode>) j -> ((ObjectNode) j.get("folded").get("edges").get(0))
            .put("delay", 3), "at folded: the folded view does not match the nodes"));
  }

  private static ObjectNode node(ObjectNode root, int i) {
    return (ObjectNode) root.get("nodes").get(i);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void corruptFileIsRejectedNamingTheLocationAndProblem(String what, Consumer<ObjectNode> corrupt, String expected)
      throws IOException {
    Path file = dir.resolve("corrupt.json");
    ObjectNode root = (ObjectNode) MAPPER.readTree(elman().options(elman().options().folded()).json());
    GraphDump.readJson(write(file, root));  // valid before the corruption
    corrupt.accept(root);
    DumpFormatException e = assertThrows(DumpFormatException.class, () -> GraphDump.readJson(write(file, root)));
    assertTrue(e.getMessage().startsWith("graph dump " + file + ", " + expected), e.getMessage());
  }

  private static Path write(Path file, ObjectNode root) throws IOException {
    Files.writeString(file, MAPPER.writeValueAsString(root));
    return file;
  }

  @Test
  void writesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("graph.json");
    Files.writeString(file, "old");
    elman().writeJson(file);
    elman().writeText(dir.resolve("graph.txt"));
    elman().writeDot(dir.resolve("graph.dot"));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("graph.dot", "graph.json", "graph.txt"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(elman().json(), Files.readString(file));
    IOException e = assertThrows(IOException.class, () -> elman().writeJson(dir.resolve("missing/graph.json")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void snapshotRejectsNodesOutOfTapeOrder() {
    DumpNode late = elman().snapshot().nodes().get(5);
    DumpNode early = elman().snapshot().nodes().get(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GraphSnapshot(24, 3, List.of(late, early)));
    assertTrue(e.getMessage().startsWith("node #4: ids must increase"), e.getMessage());
    assertEquals(Shape.of(1, 2), early.shape());
  }
}
