package dev.unfold.check;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Dropout;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: random compositions of ops (broadcasting arithmetic, matmul, layout, reductions,
 * softmax, gathers, masks, dropout, reuse of a node by several consumers) pass the gradient
 * check with the default criterion. Each seed plans a small program of 4–9 instructions over
 * fresh inputs and checks the gradient with respect to every input.
 *
 * <p>Ops with kinks (relu, clamp) are left to {@code OpGradientTest}, where inputs are kept
 * away from the kinks; here values would drift onto them at random.
 */
class RandomCompositionTest {

  /** One step of a planned program: builds a node from the nodes so far and the inputs. */
  @FunctionalInterface
  interface Instr {
    Node apply(List<Node> pool, List<Node> inputs);
  }

  /** A planned program: its inputs, its instructions and a readable trace. */
  record Plan(List<Tensor> inputs, List<Instr> instrs, List<String> trace) {
    Node run(List<Node> in) {
      List<Node> pool = new ArrayList<>();
      for (Instr i : instrs) {
        pool.add(i.apply(pool, in));
      }
      return pool.get(pool.size() - 1);
    }
  }

  /** Plans a program by trying random instructions on real values and keeping the ones whose shapes fit. */
  static final class Planner {
    private final SplittableRandom r;
    private final Well19937c values;
    private final List<Tensor> inputs = new ArrayList<>();
    private final List<Instr> instrs = new ArrayList<>();
    private final List<String> trace = new ArrayList<>();
    private final Graph g = new Graph();
    private final List<Node> pool = new ArrayList<>();
    private final List<Node> inNodes = new ArrayList<>();

    Planner(long seed) {
      r = new SplittableRandom(seed);
      values = new Well19937c(seed);
    }

    private int dim() {
      return 1 + r.nextInt(3);
    }

    private Shape randomShape() {
      int rank = 1 + r.nextInt(3);
      int[] d = new int[rank];
      for (int i = 0; i < rank; i++) {
        d[i] = dim();
      }
      return Shape.of(d);
    }

    private int input(Shape s) {
      Tensor t = Tensors.uniform(values, s, -1, 1);
      inputs.add(t);
      inNodes.add(g.constant(t));
      int j = inputs.size() - 1;
      add("input " + j + " " + s, (p, in) -> in.get(j));
      return pool.size() - 1;
    }

    private boolean add(String what, Instr instr) {
      Node n;
      try {
        n = instr.apply(pool, inNodes);
      } catch (ShapeException e) {
        return false;
      }
      pool.add(n);
      instrs.add(instr);
      trace.add(what + " → " + n.shape());
      return true;
    }

    /** A shape that broadcasts against {@code s}: some axes set to 1, maybe the leading one dropped. */
    private Shape broadcastVariant(Shape s) {
      int[] d = s.dims();
      for (int i = 0; i < d.length; i++) {
        if (r.nextInt(3) == 0) {
          d[i] = 1;
        }
      }
      if (d.length > 1 && r.nextBoolean()) {
        d = java.util.Arrays.copyOfRange(d, 1, d.length);
      }
      return Shape.of(d);
    }

    Plan plan() {
      g.noGrad();
      input(randomShape());
      int steps = 4 + r.nextInt(6);
      while (instrs.size() < steps + inputs.size()) {
        int a = Math.max(0, pool.size() - 1 - r.nextInt(Math.min(3, pool.size())));
        Shape sa = pool.get(a).shape();
        int kind = r.nextInt(12);
        boolean ok = switch (kind) {
          case 0 -> unary(a);
          case 1 -> binary(a, sa);
          case 2 -> matmul(a, sa);
          case 3 -> sa.rank() >= 2 && add("transpose #" + a, (p, in) -> p.get(a).transpose());
          case 4 -> add("reshape #" + a + " to [-1]", (p, in) -> p.get(a).reshape(-1));
          case 5 -> concat(a, sa);
          case 6 -> slice(a, sa);
          case 7 -> reduce(a, sa);
          case 8 -> softmax(a, sa);
          case 9 -> gather(a, sa);
          case 10 -> where(a, sa);
          default -> {
            long seed = r.nextLong();
            yield add("dropout #" + a, (p, in) -> p.get(a).graph().apply(new Dropout(0.3, seed), p.get(a)));
          }
        };
        if (ok) {
          squashIfLarge();
        }
      }
      return new Plan(inputs, instrs, trace);
    }

    /** Keeps values moderate so that finite differences stay accurate: tanh after anything that grew. */
    private void squashIfLarge() {
      Tensor v = pool.get(pool.size() - 1).value();
      double max = v.map(Math::abs).size() == 0 ? 0 : maxAbs(v);
      if (max > 4) {
        int last = pool.size() - 1;
        add("tanh #" + last + " (squash)", (p, in) -> p.get(last).tanh());
      }
    }

    private static double maxAbs(Tensor v) {
      double m = 0;
      for (int i = 0; i < v.size(); i++) {
        m = Math.max(m, Math.abs(v.getFlat(i)));
      }
      return m;
    }

    private boolean unary(int a) {
      return switch (r.nextInt(9)) {
        case 0 -> add("tanh #" + a, (p, in) -> p.get(a).tanh());
        case 1 -> add("sigmoid #" + a, (p, in) -> p.get(a).sigmoid());
        case 2 -> add("neg #" + a, (p, in) -> p.get(a).neg());
        case 3 -> add("exp(tanh #" + a + ")", (p, in) -> p.get(a).tanh().exp());
        case 4 -> add("log(sigmoid #" + a + ")", (p, in) -> p.get(a).sigmoid().log());
        case 5 -> add("square #" + a, (p, in) -> p.get(a).square());
        case 6 -> add("sqrt(#" + a + "² + 0.5)", (p, in) -> p.get(a).square().add(0.5).sqrt());
        case 7 -> add("(#" + a + "² + 0.5)^−1.5", (p, in) -> p.get(a).square().add(0.5).pow(-1.5));
        default -> add("tanh(#" + a + ")³", (p, in) -> p.get(a).tanh().pow(3));
      };
    }

    private int operandLike(Shape sa, boolean broadcast) {
      // Reuse an earlier node of a fitting shape half the time (a node with several consumers).
      for (int i = pool.size() - 1; i >= 0 && r.nextBoolean(); i--) {
        if (pool.get(i).shape().equals(sa)) {
          return i;
        }
      }
      return input(broadcast ? broadcastVariant(sa) : sa);
    }

    private boolean binary(int a, Shape sa) {
      int b = operandLike(sa, r.nextBoolean());
      boolean swap = r.nextBoolean();
      int x = swap ? b : a;
      int y = swap ? a : b;
      return switch (r.nextInt(4)) {
        case 0 -> add("#" + x + " + #" + y, (p, in) -> p.get(x).add(p.get(y)));
        case 1 -> add("#" + x + " − #" + y, (p, in) -> p.get(x).sub(p.get(y)));
        case 2 -> add("#" + x + " ⊙ #" + y, (p, in) -> p.get(x).mul(p.get(y)));
        default -> add("#" + x + " / (#" + y + "² + 0.5)", (p, in) -> p.get(x).div(p.get(y).square().add(0.5)));
      };
    }

    private boolean matmul(int a, Shape sa) {
      if (sa.rank() < 2 || sa.rank() > 3) {
        return false;
      }
      int k = sa.dim(-1);
      if (r.nextBoolean()) {
        int b = sa.rank() == 3 && r.nextBoolean() ? input(Shape.of(sa.dim(0), k, dim())) : input(Shape.of(k, dim()));
        return add("#" + a + " · #" + b, (p, in) -> p.get(a).matmul(p.get(b)));
      }
      int b = input(Shape.of(dim(), sa.dim(-2)));
      return add("#" + b + " · #" + a, (p, in) -> p.get(b).matmul(p.get(a)));
    }

    private boolean concat(int a, Shape sa) {
      if (sa.rank() == 0) {
        return false;
      }
      int axis = r.nextInt(sa.rank());
      int b = r.nextBoolean() ? a : input(sa.withDim(axis, dim()));
      return add("concat(#" + a + ", #" + b + ", axis " + axis + ")", (p, in) -> p.get(a).graph().concat(axis, p.get(a), p.get(b)));
    }

    private boolean slice(int a, Shape sa) {
      if (sa.rank() == 0) {
        return false;
      }
      int axis = r.nextInt(sa.rank());
      int n = sa.dim(axis);
      int start = r.nextInt(n);
      int end = start + 1 + r.nextInt(n - start);
      return add("#" + a + "[" + start + ":" + end + " on axis " + axis + "]", (p, in) -> p.get(a).slice(axis, start, end));
    }

    private boolean reduce(int a, Shape sa) {
      if (sa.rank() == 0 || r.nextInt(4) == 0) {
        return r.nextBoolean() ? add("sum #" + a, (p, in) -> p.get(a).sum()) : add("mean #" + a, (p, in) -> p.get(a).mean());
      }
      int axis = r.nextInt(sa.rank());
      boolean keep = r.nextBoolean();
      return r.nextBoolean()
          ? add("sum #" + a + " axis " + axis, (p, in) -> p.get(a).sum(axis, keep))
          : add("mean #" + a + " axis " + axis, (p, in) -> p.get(a).mean(axis, keep));
    }

    private boolean softmax(int a, Shape sa) {
      if (sa.rank() == 0) {
        return false;
      }
      int axis = r.nextInt(sa.rank());
      return r.nextBoolean()
          ? add("softmax #" + a + " axis " + axis, (p, in) -> p.get(a).softmax(axis))
          : add("log_softmax #" + a + " axis " + axis, (p, in) -> p.get(a).logSoftmax(axis));
    }

    private boolean gather(int a, Shape sa) {
      if (sa.rank() == 0 || sa.dim(0) == 0) {
        return false;
      }
      int[] idx = new int[1 + r.nextInt(3)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(sa.dim(0));
      }
      Tensor indices = Tensors.indices(idx);
      return add("gather rows " + java.util.Arrays.toString(idx) + " of #" + a,
          (p, in) -> p.get(a).gatherRows(p.get(a).graph().constant(indices)));
    }

    private boolean where(int a, Shape sa) {
      Shape ms = broadcastVariant(sa);
      double[] m = new double[ms.size()];
      for (int i = 0; i < m.length; i++) {
        m[i] = r.nextBoolean() ? 1 : 0;
      }
      Tensor mask = Tensors.of(ms, m);
      int b = operandLike(sa, false);
      return add("where(mask " + ms + ", #" + a + ", #" + b + ")",
          (p, in) -> p.get(a).graph().where(p.get(a).graph().constant(mask), p.get(a), p.get(b)));
    }
  }

  /** The planner must actually produce every kind of instruction, or the property proves little. */
  @org.junit.jupiter.api.Test
  void plansCoverEveryKindOfInstruction() {
    java.util.Map<String, Integer> plansWith = new java.util.TreeMap<>();
    List<String> kinds = List.of("transpose", "reshape", "concat", " · ", "gather rows", "where", "dropout",
        "softmax", "log_softmax", "sum", "mean", " / ", " ⊙ ", " + ", " − ", "[", "tanh", "sigmoid", "exp", "log(",
        "sqrt", "^−1.5", "³", "square");
    int[] lengths = new int[1];
    seeds().forEach(seed -> {
      Plan plan = new Planner(seed).plan();
      String all = String.join("\n", plan.trace());
      lengths[0] += plan.instrs().size();
      for (String k : kinds) {
        if (all.contains(k)) {
          plansWith.merge(k, 1, Integer::sum);
        }
      }
    });
    for (String k : kinds) {
      org.junit.jupiter.api.Assertions.assertTrue(plansWith.getOrDefault(k, 0) >= 10,
          "instruction '" + k + "' appears in too few plans: " + plansWith);
    }
    org.junit.jupiter.api.Assertions.assertTrue(lengths[0] >= 300 * 5, "plans are too short: " + lengths[0]);
  }

  static LongStream seeds() {
    return LongStream.range(0, 300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomCompositionPassesTheGradientCheck(long seed) {
    Plan plan = new Planner(seed).plan();
    GradCheckReport report = GradCheck.of("random composition (seed " + seed + ")", plan::run)
        .inputs(plan.inputs().toArray(new Tensor[0])).seed(seed).run();
    if (!report.passed()) {
      throw new AssertionError(report + "\nprogram:\n  " + String.join("\n  ", plan.trace()));
    }
  }
}
