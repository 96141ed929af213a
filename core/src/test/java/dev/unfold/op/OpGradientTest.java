package dev.unfold.op;

import static dev.unfold.testing.Values.awayFromZero;
import static dev.unfold.testing.Values.positive;
import static dev.unfold.testing.Values.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.reflect.ClassPath;
import dev.unfold.check.GradCheck;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A float64 gradient check for every primitive op in {@link Ops#all()} and every composite on
 * {@code Node}, including broadcasting cases. Criterion (the {@link GradCheck} defaults):
 * central differences with step 1e-6 and |analytic − numeric| ≤ 1e-5·max(|a|, |n|) + 1e-7.
 */
class OpGradientTest {

  /**
   * One case: the primitive it covers (for a composite, the primitive it exercises), its
   * gradient check, and any further assertions.
   */
  record OpCase(String name, Class<? extends Op> covers, GradCheck gradCheck, Executable extra) {
    @Override public String toString() { return name; }
  }

  private static OpCase op(String name, Op op, Tensor... inputs) {
    return checked(name, op.getClass(), GradCheck.of(op).inputs(inputs));
  }

  private static OpCase fn(String name, Class<? extends Op> covers, java.util.function.Function<List<Node>, Node> f,
      Tensor... inputs) {
    return checked(name, covers, GradCheck.of(name, f).inputs(inputs));
  }

  private static OpCase checked(String name, Class<? extends Op> covers, GradCheck check) {
    return new OpCase(name, covers, check, () -> {});
  }

  static List<OpCase> cases() {
    List<OpCase> c = new ArrayList<>();
    // Broadcasting arithmetic.
    for (BinaryOp b : List.of(new Add(), new Sub(), new Mul())) {
      c.add(op(b.name() + " same shape", b, signed(1, 2, 3), signed(2, 2, 3)));
      c.add(op(b.name() + " [2×3]∘[3]", b, signed(3, 2, 3), signed(4, 3)));
      c.add(op(b.name() + " [2×1]∘[1×3]", b, signed(5, 2, 1), signed(6, 1, 3)));
      c.add(op(b.name() + " [2×3×4]∘[3×1]", b, signed(7, 2, 3, 4), signed(8, 3, 1)));
      c.add(op(b.name() + " scalar∘[2×3]", b, Tensors.scalar(0.7), signed(9, 2, 3)));
    }
    Div div = new Div();
    c.add(op("div same shape", div, signed(10, 2, 3), positive(11, 2, 3)));
    c.add(op("div [2×3]/[3]", div, signed(12, 2, 3), positive(13, 3)));
    c.add(op("div [2×1]/[1×3]", div, signed(14, 2, 1), positive(15, 1, 3)));
    c.add(op("div scalar/[2×3×4]", div, Tensors.scalar(-1.3), positive(16, 2, 3, 4)));
    c.add(op("neg", new Neg(), signed(17, 3, 4)));
    // Linear algebra and layout.
    c.add(op("matmul [3×4]·[4×2]", new MatMul(), signed(20, 3, 4), signed(21, 4, 2)));
    c.add(op("matmul batched [2×3×4]·[2×4×5]", new MatMul(), signed(22, 2, 3, 4), signed(23, 2, 4, 5)));
    c.add(op("matmul [2×3×4]·[4×5] reused right", new MatMul(), signed(24, 2, 3, 4), signed(25, 4, 5)));
    c.add(op("matmul [3×4]·[2×4×5] reused left", new MatMul(), signed(26, 3, 4), signed(27, 2, 4, 5)));
    c.add(op("matmul_add [3×4]·[4×2] + [3×2]", new MatMulAdd(), signed(151, 3, 4), signed(152, 4, 2), signed(153, 3, 2)));
    c.add(op("matmul_add [3×4]·[4×5] + bias [5]", new MatMulAdd(), signed(154, 3, 4), signed(155, 4, 5), signed(156, 5)));
    c.add(op("matmul_add [2×3×4]·[4×5] + bias [1×5]", new MatMulAdd(), signed(157, 2, 3, 4), signed(158, 4, 5),
        signed(159, 1, 5)));
    c.add(op("matmul_add [2×3×4]·[4×2] + [3×2] broadcast over the batch", new MatMulAdd(), signed(160, 2, 3, 4),
        signed(161, 4, 2), signed(162, 3, 2)));
    c.add(op("matmul_add [3×4]·[4×3] + column [3×1]", new MatMulAdd(), signed(163, 3, 4), signed(164, 4, 3),
        signed(165, 3, 1)));
    c.add(op("transpose last two", new Transpose(), signed(30, 2, 3, 4)));
    c.add(op("transpose perm [2,0,1]", new Transpose(2, 0, 1), signed(31, 2, 3, 4)));
    c.add(op("reshape [2×3×4]→[4×−1]", new Reshape(4, -1), signed(32, 2, 3, 4)));
    c.add(op("concat axis 1 of three", new Concat(1), signed(33, 2, 1, 3), signed(34, 2, 2, 3), signed(35, 2, 3, 3)));
    c.add(op("concat axis 0", new Concat(0), signed(36, 1, 4), signed(37, 3, 4)));
    c.add(op("slice axis 1 [1,4)", new Slice(1, 1, 4), signed(38, 4, 5)));
    c.add(op("slice axis −1", new Slice(-1, 0, 2), signed(39, 3, 4, 2)));
    c.add(op("sum all", new Sum(), signed(40, 2, 3, 4)));
    c.add(op("sum axis 0", new Sum(0, false), signed(41, 2, 3, 4)));
    c.add(op("sum axis −1 keepDims", new Sum(-1, true), signed(42, 2, 3, 4)));
    // Element-wise functions.
    c.add(op("exp", new Exp(), signed(50, 3, 4)));
    c.add(op("log", new Log(), positive(51, 3, 4)));
    c.add(op("tanh", new Tanh(), signed(52, 3, 4)));
    c.add(op("sigmoid", new Sigmoid(), Tensors.vector(-30, -3, -0.5, 0.2, 2, 30)));
    c.add(op("relu", new Relu(), awayFromZero(53, 3, 4)));
    c.add(op("pow 3", new Pow(3), signed(54, 3, 4)));
    c.add(op("pow −1.5", new Pow(-1.5), positive(55, 3, 4)));
    c.add(op("clamp [−0.5, 0.5]", new Clamp(-0.5, 0.5), Tensors.vector(-0.9, -0.6, -0.4, 0.1, 0.45, 0.55, 0.8)));
    c.add(op("log_softmax axis 1", new LogSoftmax(1), signed(56, 3, 5)));
    c.add(op("log_softmax axis 0", new LogSoftmax(0), signed(57, 4, 3)));
    c.add(op("log_softmax magnitude 1e3", new LogSoftmax(-1),
        Tensors.of(new double[][] {{1000, 999, -1000, 0.5}, {-1000, -999.5, 1000, 1000}})));
    c.add(op("dropout p=0.4 fixed seed", new Dropout(0.4, 99), signed(58, 4, 5)));
    // Fused recurrent updates: pre-activations spread over both branches of σ and tanh.
    c.add(op("lstm_update batch 1, hidden 3", new LstmUpdate(), signed(90, 1, 12).scale(2), signed(88, 1, 12),
        signed(91, 1, 3)));
    c.add(op("lstm_update batch 3, hidden 2", new LstmUpdate(), signed(92, 3, 8).scale(2), signed(89, 3, 8),
        signed(93, 3, 2)));
    c.add(op("gru_update batch 1, hidden 3", new GruUpdate(), signed(94, 1, 9).scale(2), signed(95, 1, 9).scale(2),
        signed(96, 1, 3)));
    c.add(op("gru_update batch 4, hidden 2", new GruUpdate(), signed(97, 4, 6).scale(2), signed(98, 4, 6).scale(2),
        signed(99, 4, 2)));
    // Ops with non-differentiable inputs: indices and masks are constants.
    c.add(checked("gather_rows with repeated indices", GatherRows.class, GradCheck.of(new GatherRows())
        .inputs(signed(60, 5, 3), Tensors.indices(1, 3, 1, 0)).constants(1)));
    c.add(checked("gather_rows [2×3] indices", GatherRows.class, GradCheck.of(new GatherRows())
        .inputs(signed(61, 4, 2), Tensors.of(new double[][] {{0, 3, 3}, {2, 1, 0}})).constants(1)));
    c.add(checked("softmax_cross_entropy [4×5]", SoftmaxCrossEntropy.class, GradCheck.of(new SoftmaxCrossEntropy())
        .inputs(signed(170, 4, 5).scale(2), Tensors.indices(2, 0, 4, 4)).constants(1)));
    c.add(checked("softmax_cross_entropy [2×3×4]", SoftmaxCrossEntropy.class, GradCheck.of(new SoftmaxCrossEntropy())
        .inputs(signed(171, 2, 3, 4), Tensors.of(new double[][] {{3, 0, 1}, {1, 1, 2}})).constants(1)));
    c.add(checked("softmax_cross_entropy magnitude 1e3", SoftmaxCrossEntropy.class,
        GradCheck.of(new SoftmaxCrossEntropy()).inputs(
            Tensors.of(new double[][] {{1000, 999, -1000, 0.5}, {-1000, -999.5, 1000, 1000}}), Tensors.indices(1, 3))
            .constants(1)));
    c.add(checked("where same shape", Where.class, GradCheck.of(new Where())
        .inputs(Tensors.of(new double[][] {{1, 0, 1, 1}, {0, 0, 1, 0}}), signed(62, 2, 4), signed(63, 2, 4))
        .constants(0)));
    c.add(checked("where mask [3×1], a [3×4], b [4]", Where.class, GradCheck.of(new Where())
        .inputs(Tensors.of(new double[][] {{1}, {0}, {1}}), signed(64, 3, 4), signed(65, 4)).constants(0)));
    // One-hot and detach pass no gradient at all: checked through what they feed.
    c.add(checked("one_hot feeding mul", OneHot.class, GradCheck.of("one_hot(idx)·x",
            in -> in.get(0).oneHot(4).mul(in.get(1)))
        .inputs(Tensors.indices(0, 3, 2, 3, 1), signed(66, 5, 4)).constants(0)));
    c.add(new OpCase("detach stops the gradient", Detach.class, GradCheck.of("detach(x)·y",
            in -> in.get(0).detach().mul(in.get(1)))
        .inputs(signed(80, 2, 3), signed(81, 2, 3)).constants(0), OpGradientTest::checkDetachedInputGetsNothing));
    // Composites on Node: no backward of their own.
    c.add(fn("mean all", Sum.class, in -> in.get(0).mean(), signed(70, 3, 4)));
    c.add(fn("mean axis 1", Sum.class, in -> in.get(0).mean(1, false), signed(71, 3, 4)));
    c.add(fn("square", Pow.class, in -> in.get(0).square(), signed(72, 3, 4)));
    c.add(fn("sqrt", Pow.class, in -> in.get(0).sqrt(), positive(73, 3, 4)));
    c.add(fn("softmax axis 1", LogSoftmax.class, in -> in.get(0).softmax(1), signed(74, 3, 5)));
    c.add(fn("softmax magnitude 1e3", LogSoftmax.class, in -> in.get(0).softmax(1),
        Tensors.of(new double[][] {{1000, 999.5, -1000}, {-1000, 1000, 1000}})));
    c.add(fn("split into 3 along axis 1", Slice.class, in -> {
      List<Node> parts = in.get(0).split(1, 1, 3, 2);
      return parts.get(0).mul(parts.get(2).sum(1, true)).add(parts.get(1).sum(1, true).exp());
    }, signed(75, 2, 6)));
    c.add(fn("add/mul with a scalar constant", Add.class, in -> in.get(0).add(2.5).mul(-0.5), signed(76, 3)));
    return c;
  }

  /** Detach: beside the gradient check of {@code detach(x)·y} wrt y, x receives nothing. */
  private static void checkDetachedInputGetsNothing() {
    Graph g = new Graph();
    Node x = g.variable("x", signed(82, 2, 3));
    Node y = x.detach().mul(x).sum();
    g.backward(y);
    // d/dx [detach(x)·x] = detach(x), not 2x.
    assertEquals(x.value(), x.grad());
    assertFalse(x.detach().requiresGrad());
  }

  static Stream<OpCase> caseStream() {
    return cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caseStream")
  void gradientMatchesFiniteDifferences(OpCase c) throws Throwable {
    c.gradCheck().check();
    c.extra().execute();
  }

  /**
   * The same case in a float32 graph: value and gradients agree with float64 on the same
   * (float32-rounded) inputs to {@code 1e-5} relative, {@code 1e-5} absolute (a few float ulps;
   * the log-softmax of magnitude-1e3 inputs has absolute errors near ulp(1000) ≈ 6e-5, so it is
   * compared to that).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("caseStream")
  void float32AgreesWithFloat64(OpCase c) {
    double atol = c.name().contains("1e3") ? 1.5e-4 : 1e-5;
    c.gradCheck().checkFloat32(1e-5, atol);
  }

  @Test
  void everyPrimitiveHasAGradientCheck() {
    Set<String> covered = cases().stream().map(c -> c.covers().getSimpleName()).collect(Collectors.toSet());
    Set<String> missing = new TreeSet<>();
    for (Class<? extends Op> op : Ops.all()) {
      if (!covered.contains(op.getSimpleName())) {
        missing.add(op.getSimpleName());
      }
    }
    assertTrue(missing.isEmpty(), "primitives without a gradient-check case: " + missing);
  }

  @Test
  void everyOpClassInThePackageIsRegistered() throws IOException {
    Set<String> found = new TreeSet<>();
    for (ClassPath.ClassInfo info : ClassPath.from(Op.class.getClassLoader()).getTopLevelClasses("dev.unfold.op")) {
      Class<?> k = info.load();
      if (Op.class.isAssignableFrom(k) && !k.isInterface() && !Modifier.isAbstract(k.getModifiers())) {
        found.add(k.getSimpleName());
      }
    }
    Set<String> registered = Ops.all().stream().map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(found, registered, "Ops.all() must list every op class in dev.unfold.op");
  }
}
