package dev.unfold.dump;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.tensor.TensorSummary;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON dump (schema 1, documented in {@code docs/graph-dump-schema.md}) and its validating
 * reader. Non-finite numbers, which JSON lacks, are written as the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"}.
 */
final class JsonDump {
  static final int SCHEMA = 1;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private JsonDump() {}

  // ---------------------------------------------------------------- writing

  static void write(GraphSnapshot s, DumpOptions o, Writer out) throws IOException {
    ObjectNode root = F.objectNode();
    root.put("schema", SCHEMA);
    root.put("nodeCount", s.nodeCount());
    root.put("parameterCount", s.parameterCount());
    ObjectNode filter = root.putObject("filter");
    filter.put("scopePrefix", o.scopePrefix());
    o.ops().forEach(filter.putArray("ops")::add);
    ArrayNode nodes = root.putArray("nodes");
    List<DumpNode> shown = s.selected(o);
    for (DumpNode n : shown) {
      nodes.add(node(n, o));
    }
    if (o.view() == DumpOptions.View.FOLDED) {
      root.set("folded", folded(FoldedView.of(s, o)));
    }
    // A fixed "\n" keeps the file identical on every platform.
    DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"));
    MAPPER.writer(pretty).writeValue(out, root);
    out.write('\n');
    out.flush();
  }

  private static ObjectNode node(DumpNode n, DumpOptions o) {
    ObjectNode j = F.objectNode();
    j.put("id", n.id());
    j.put("kind", n.kind().name().toLowerCase(Locale.ROOT));
    j.put("op", n.op());
    j.put("name", n.name());
    j.put("scope", n.scope());
    j.put("path", n.path());
    n.inputs().forEach(j.putArray("inputs")::add);
    ArrayNode shape = j.putArray("shape");
    for (int d : n.shape().dims()) {
      shape.add(d);
    }
    if (o.values()) {
      n.value().ifPresent(v -> j.set("value", summary(v, n.valueTensor(), o)));
    }
    if (o.grads()) {
      n.grad().ifPresent(g -> j.set("grad", summary(g, n.gradTensor(), o)));
    }
    return j;
  }

  private static ObjectNode summary(TensorSummary s, Optional<Tensor> full, DumpOptions o) {
    ObjectNode j = F.objectNode();
    j.put("count", s.count());
    j.put("nan", s.nan());
    j.put("inf", s.inf());
    j.set("min", number(s.min()));
    j.set("mean", number(s.mean()));
    j.set("max", number(s.max()));
    j.set("norm", number(s.norm()));
    if (full.isPresent() && full.get().size() <= o.fullValuesUpTo()) {
      ArrayNode elements = j.putArray("elements");
      for (int i = 0; i < full.get().size(); i++) {
        elements.add(number(full.get().getFlat(i)));
      }
    }
    return j;
  }

  private static JsonNode number(double v) {
    if (Double.isNaN(v)) {
      return F.textNode("NaN");
    }
    if (Double.isInfinite(v)) {
      return F.textNode(v > 0 ? "Infinity" : "-Infinity");
    }
    return F.numberNode(v);
  }

  private static ObjectNode folded(FoldedView v) {
    ObjectNode j = F.objectNode();
    ArrayNode nodes = j.putArray("nodes");
    for (FoldedView.FoldedNode n : v.nodes()) {
      ObjectNode fn = nodes.addObject();
      fn.put("index", n.index());
      fn.put("path", n.path());
      fn.put("scope", n.scope());
      fn.put("op", n.op());
      n.steps().forEach(fn.putArray("steps")::add);
      n.members().forEach(fn.putArray("members")::add);
    }
    ArrayNode edges = j.putArray("edges");
    for (FoldedView.FoldedEdge e : v.edges()) {
      ObjectNode fe = edges.addObject();
      fe.put("from", e.from());
      fe.put("to", e.to());
      fe.put("delay", e.delay());
      fe.put("label", e.label());
    }
    return j;
  }

  // ---------------------------------------------------------------- reading

  static GraphSnapshot read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      throw new DumpFormatException(file, "", "the file is empty");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new DumpFormatException(file, "not valid JSON (truncated or corrupt?): " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
    }
    return new Reader(file).snapshot(root);
  }

  /** Reads one document, naming the JSON location of the first problem. */
  private static final class Reader {
    private final Path file;

    Reader(Path file) {
      this.file = file;
    }

    GraphSnapshot snapshot(JsonNode root) throws DumpFormatException {
      if (!root.isObject()) {
        throw fail("", "expected a JSON object, found " + root.getNodeType().name().toLowerCase(Locale.ROOT));
      }
      int schema = integer(root, "schema", "");
      if (schema != SCHEMA) {
        throw fail("schema", "schema " + schema + " is not supported; this reader knows schema " + SCHEMA);
      }
      int nodeCount = integer(root, "nodeCount", "");
      int parameterCount = integer(root, "parameterCount", "");
      JsonNode array = field(root, "nodes", "");
      if (!array.isArray()) {
        throw fail("nodes", "expected an array");
      }
      List<DumpNode> nodes = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      int params = 0;
      for (int i = 0; i < array.size(); i++) {
        DumpNode n = node(array.get(i), "nodes[" + i + "]", nodes.isEmpty() ? -1 : nodes.get(nodes.size() - 1).id(),
            nodeCount);
        nodes.add(n);
        seen.add(n.id());
        params += n.isParameter() ? 1 : 0;
      }
      boolean complete = nodes.size() == nodeCount;
      if (nodes.size() > nodeCount) {
        throw fail("nodeCount", "the file lists " + nodes.size() + " nodes but says the graph has " + nodeCount);
      }
      if (complete) {
        for (int i = 0; i < nodes.size(); i++) {
          for (int in : nodes.get(i).inputs()) {
            if (!seen.contains(in)) {
              throw fail("nodes[" + i + "].inputs", "input #" + in + " is missing from a complete dump");
            }
          }
        }
      }
      if (complete ? params != parameterCount : params > parameterCount) {
        throw fail("parameterCount", "says " + parameterCount + " parameters, the nodes hold " + params);
      }
      GraphSnapshot s = new GraphSnapshot(nodeCount, parameterCount, nodes);
      JsonNode folded = root.get("folded");
      if (folded != null && !folded.equals(folded(FoldedView.of(s)))) {
        throw fail("folded", "the folded view does not match the nodes it is said to fold");
      }
      return s;
    }

    private DumpNode node(JsonNode j, String at, int previousId, int nodeCount) throws DumpFormatException {
      if (!j.isObject()) {
        throw fail(at, "expected an object");
      }
      int id = integer(j, "id", at);
      if (id <= previousId || id >= nodeCount) {
        throw fail(at + ".id", "id " + id + " must be greater than the previous id " + previousId
            + " and less than nodeCount " + nodeCount);
      }
      String kindText = text(j, "kind", at);
      Node.Kind kind;
      try {
        kind = Node.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw fail(at + ".kind", "unknown kind \"" + kindText + "\"; expected constant, variable, parameter or op");
      }
      String op = text(j, "op", at);
      if (op.isEmpty()) {
        throw fail(at + ".op", "empty op name");
      }
      String name = text(j, "name", at);
      String scope = text(j, "scope", at);
      int[] inputs = ints(j, "inputs", at);
      for (int in : inputs) {
        if (in < 0 || in >= id) {
          throw fail(at + ".inputs", "input #" + in + " does not come before node #" + id);
        }
      }
      if (kind != Node.Kind.OP && inputs.length > 0) {
        throw fail(at + ".inputs", "a " + kindText + " leaf has no inputs, found " + inputs.length);
      }
      int[] dims = ints(j, "shape", at);
      for (int d : dims) {
        if (d < 0) {
          throw fail(at + ".shape", "negative dimension " + d);
        }
      }
      Shape shape = Shape.of(dims);
      List<Integer> in = new ArrayList<>();
      for (int x : inputs) {
        in.add(x);
      }
      Optional<TensorSummary> value = summary(j.get("value"), shape, at + ".value");
      Optional<TensorSummary> grad = summary(j.get("grad"), shape, at + ".grad");
      DumpNode n = new DumpNode(id, kind, op, name, scope, in, shape, value, grad,
          elements(j.get("value"), shape, at + ".value"), elements(j.get("grad"), shape, at + ".grad"));
      String path = text(j, "path", at);
      if (!path.equals(n.path())) {
        throw fail(at + ".path", "path \"" + path + "\" does not match scope \"" + scope + "\" and name or op \""
            + n.label() + "\"");
      }
      return n;
    }

    private Optional<TensorSummary> summary(JsonNode j, Shape shape, String at) throws DumpFormatException {
      if (j == null) {
        return Optional.empty();
      }
      if (!j.isObject()) {
        throw fail(at, "expected an object");
      }
      int count = integer(j, "count", at);
      if (count != shape.size()) {
        throw fail(at + ".count", count + " elements, but shape " + shape + " has " + shape.size());
      }
      TensorSummary s;
      try {
        s = new TensorSummary(count, integer(j, "nan", at), integer(j, "inf", at), number(j, "min", at),
            number(j, "mean", at), number(j, "max", at), number(j, "norm", at));
      } catch (IllegalArgumentException e) {
        throw fail(at, e.getMessage());
      }
      if (s.finite() > 0 && !(s.min() <= s.max())) {
        throw fail(at, "min " + s.min() + " exceeds max " + s.max());
      }
      Optional<Tensor> full = elements(j, shape, at);
      if (full.isPresent() && !TensorSummary.of(full.get()).equals(s)) {
        throw fail(at, "the summary does not match the elements listed");
      }
      return Optional.of(s);
    }

    private Optional<Tensor> elements(JsonNode summary, Shape shape, String at) throws DumpFormatException {
      if (summary == null || !summary.isObject() || summary.get("elements") == null) {
        return Optional.empty();
      }
      JsonNode e = summary.get("elements");
      if (!e.isArray() || e.size() != shape.size()) {
        throw fail(at + ".elements", "expected an array of " + shape.size() + " numbers for shape " + shape);
      }
      double[] data = new double[e.size()];
      for (int i = 0; i < data.length; i++) {
        data[i] = number(e.get(i), at + ".elements[" + i + "]");
      }
      return Optional.of(Tensors.of(shape, data));
    }

    private JsonNode field(JsonNode j, String name, String at) throws DumpFormatException {
      JsonNode f = j.get(name);
      if (f == null || f.isNull()) {
        throw fail(join(at, name), "missing");
      }
      return f;
    }

    private int integer(JsonNode j, String name, String at) throws DumpFormatException {
      JsonNode f = field(j, name, at);
      if (!f.isIntegralNumber() || !f.canConvertToInt() || f.intValue() < 0) {
        throw fail(join(at, name), "expected a whole number ≥ 0, found " + f);
      }
      return f.intValue();
    }

    private String text(JsonNode j, String name, String at) throws DumpFormatException {
      JsonNode f = field(j, name, at);
      if (!f.isTextual()) {
        throw fail(join(at, name), "expected a string, found " + f);
      }
      return f.textValue();
    }

    private int[] ints(JsonNode j, String name, String at) throws DumpFormatException {
      JsonNode f = field(j, name, at);
      if (!f.isArray()) {
        throw fail(join(at, name), "expected an array of whole numbers, found " + f);
      }
      int[] out = new int[f.size()];
      for (int i = 0; i < out.length; i++) {
        JsonNode x = f.get(i);
        if (!x.isIntegralNumber() || !x.canConvertToInt()) {
          throw fail(join(at, name) + "[" + i + "]", "expected a whole number, found " + x);
        }
        out[i] = x.intValue();
      }
      return out;
    }

    private double number(JsonNode j, String name, String at) throws DumpFormatException {
      return number(field(j, name, at), join(at, name));
    }

    private double number(JsonNode f, String at) throws DumpFormatException {
      if (f.isNumber()) {
        return f.doubleValue();
      }
      if (f.isTextual()) {
        switch (f.textValue()) {
          case "NaN": return Double.NaN;
          case "Infinity": return Double.POSITIVE_INFINITY;
          case "-Infinity": return Double.NEGATIVE_INFINITY;
          default: break;
        }
      }
      throw fail(at, "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), found " + f);
    }

    private static String join(String at, String name) {
      return at.isEmpty() ? name : at + "." + name;
    }

    private DumpFormatException fail(String at, String problem) {
      return new DumpFormatException(file, at, problem);
    }
  }
}
