package dev.unfold.check;

import com.google.common.base.Preconditions;
import dev.unfold.graph.BackwardOptions;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.op.Op;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.math3.random.Well19937c;

/**
 * Compares backprop gradients with central finite differences, element by element, in float64.
 *
 * <p>The function's output is scalarised with a fixed seeded random projection
 * {@code L = Σ r ⊙ out}, so every output element counts with its own weight, and the analytic
 * gradient is one backward pass seeded with {@code r}. Each input element {@code x} then gets
 * the numeric derivative {@code (L(x+ε) − L(x−ε)) / 2ε}. An element passes when
 * {@code |analytic − numeric| ≤ rtol·max(|analytic|, |numeric|) + atol}; the defaults are
 * {@code ε = 1e-6}, {@code rtol = 1e-5}, {@code atol = 1e-7}.
 *
 * <pre>{@code
 * GradCheck.of(new Tanh()).inputs(x).check();
 * GradCheck.of("my cell", in -> myCell(in.get(0), in.get(1))).inputs(x, h).parameters(w).check();
 * }</pre>
 *
 * <p>The function is called once per perturbation, each time in a fresh graph, so it must be
 * deterministic (build a dropout op with a fixed seed rather than drawing one). Inputs listed
 * with {@link #constants} (indices, masks) are passed as constants and not differentiated.
 */
public final class GradCheck {
  public static final double DEFAULT_STEP = 1e-6;
  public static final double DEFAULT_RTOL = 1e-5;
  public static final double DEFAULT_ATOL = 1e-7;

  private final String label;
  private final Function<List<Node>, Node> function;
  private List<Tensor> inputs = List.of();
  private List<Parameter> parameters = List.of();
  private final Set<Integer> constants = new HashSet<>();
  private long seed = 1;
  private double step = DEFAULT_STEP;
  private double rtol = DEFAULT_RTOL;
  private double atol = DEFAULT_ATOL;

  private GradCheck(String label, Function<List<Node>, Node> function) {
    this.label = label;
    this.function = function;
  }

  /** Checks {@code function}, which receives one node per input and returns the output. */
  public static GradCheck of(String label, Function<List<Node>, Node> function) {
    return new GradCheck(label, function);
  }

  /** Checks one op applied to the inputs. */
  public static GradCheck of(Op op) {
    return new GradCheck(op.name(), in -> in.get(0).graph().apply(op, in.toArray(new Node[0])));
  }

  /** The input values, in the order the function receives them. */
  public GradCheck inputs(Tensor... values) {
    for (Tensor t : values) {
      Preconditions.checkArgument(t.dtype() == DType.FLOAT64, "gradient checks run in float64 only, got %s", t.dtype());
    }
    this.inputs = List.of(values);
    return this;
  }

  /** Parameters the function uses (through {@code graph.param(p)}) to differentiate as well. */
  public GradCheck parameters(Parameter... ps) {
    this.parameters = List.of(ps);
    return this;
  }

  /** Inputs passed as constants and not differentiated: indices, class labels, masks. */
  public GradCheck constants(int... indices) {
    for (int i : indices) {
      constants.add(i);
    }
    return this;
  }

  /** Seed of the random projection that scalarises the output. */
  public GradCheck seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** The finite-difference step ε. */
  public GradCheck step(double eps) {
    Preconditions.checkArgument(eps > 0, "step must be positive: %s", eps);
    this.step = eps;
    return this;
  }

  /** The pass criterion {@code |a − n| ≤ rtol·max(|a|, |n|) + atol}. */
  public GradCheck tolerance(double rtol, double atol) {
    this.rtol = rtol;
    this.atol = atol;
    return this;
  }

  /** Runs the check and throws {@link GradCheckFailure} with the full report if any element fails. */
  public GradCheckReport check() {
    GradCheckReport report = run();
    if (!report.passed()) {
      throw new GradCheckFailure(report);
    }
    return report;
  }

  /** Runs the check and returns the report without throwing. */
  public GradCheckReport run() {
    List<Tensor> analytic = analytic(DType.FLOAT64, inputs);
    Tensor r = projection(analytic.get(0).shape());
    analytic = analytic.subList(1, analytic.size());

    List<GradCheckReport.InputReport> reports = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (constants.contains(i)) {
        continue;
      }
      final int index = i;
      reports.add(compare("input " + i, analytic.get(i), inputs.get(i), value -> {
        List<Tensor> perturbed = new ArrayList<>(inputs);
        perturbed.set(index, value);
        return projected(perturbed, r);
      }));
    }
    for (int j = 0; j < parameters.size(); j++) {
      Parameter p = parameters.get(j);
      Tensor original = p.value();
      try {
        reports.add(compare("parameter " + p.name(), analytic.get(inputs.size() + j), original, value -> {
          p.set(value);
          return projected(inputs, r);
        }));
      } finally {
        p.set(original);
      }
    }
    return new GradCheckReport(label, reports, step, rtol, atol);
  }

  /**
   * Runs the function forward and backward in a float32 graph and in a float64 graph, on the
   * inputs and parameter values rounded to float32 (so that only the arithmetic differs), and
   * checks that the float32 output and gradients agree with the float64 ones:
   * {@code |f32 − f64| ≤ rtol·max(|f32|, |f64|) + atol} element by element. This is how an op or
   * a model is checked in float32; its gradients are checked against finite differences in
   * float64 by {@link #check()}.
   *
   * @throws GradCheckFailure with the full report if any element disagrees
   */
  public GradCheckReport checkFloat32(double rtol, double atol) {
    List<Tensor> rounded = inputs.stream().map(GradCheck::roundedToFloat32).toList();
    List<Tensor> originals = parameters.stream().map(Parameter::value).toList();
    List<Tensor> wide;
    List<Tensor> narrow;
    try {
      parameters.forEach(p -> p.set(roundedToFloat32(p.value())));
      wide = analytic(DType.FLOAT64, rounded);
      narrow = analytic(DType.FLOAT32, rounded);
    } finally {
      for (int i = 0; i < parameters.size(); i++) {
        parameters.get(i).set(originals.get(i));
      }
    }
    List<GradCheckReport.InputReport> reports = new ArrayList<>();
    reports.add(GradCheckReport.InputReport.compare("output", narrow.get(0).to(DType.FLOAT64), wide.get(0), rtol, atol));
    for (int i = 1; i < wide.size(); i++) {
      int k = i - 1;
      if (k < inputs.size() && constants.contains(k)) {
        continue;
      }
      String name = k < inputs.size() ? "input " + k : "parameter " + parameters.get(k - inputs.size()).name();
      reports.add(GradCheckReport.InputReport.compare(name, narrow.get(i).to(DType.FLOAT64), wide.get(i), rtol, atol));
    }
    GradCheckReport report = new GradCheckReport(label + " float32 vs float64", reports, 0, rtol, atol);
    if (!report.passed()) {
      throw new GradCheckFailure(report);
    }
    return report;
  }

  private static Tensor roundedToFloat32(Tensor t) {
    return t.to(DType.FLOAT32).to(DType.FLOAT64);
  }

  /** The random projection that scalarises an output of {@code shape}: the same for the same seed. */
  private Tensor projection(Shape shape) {
    return Tensors.normal(new Well19937c(seed), shape, 0, 1);
  }

  /**
   * The output, then dL/dInput for every input and dL/dParameter for every parameter, from one
   * backward pass in a graph of type {@code dtype} seeded with the output's projection;
   * parameters' gradients are left as they were.
   */
  private List<Tensor> analytic(DType dtype, List<Tensor> values) {
    Graph g = new Graph(dtype);
    List<Node> leaves = leaves(g, values, true);
    Node out = function.apply(leaves);
    Tensor r = projection(out.shape());
    List<Tensor> savedGrads = new ArrayList<>();
    for (Parameter p : parameters) {
      savedGrads.add(p.grad());
      p.zeroGrad();
    }
    List<Tensor> result = new ArrayList<>();
    result.add(out.value());
    try {
      if (out.requiresGrad()) {
        g.backward(out, r, BackwardOptions.defaults());
      }
      for (int i = 0; i < values.size(); i++) {
        Node leaf = leaves.get(i);
        result.add(leaf.hasGrad() ? leaf.grad() : Tensors.zeros(values.get(i).shape(), dtype));
      }
      for (Parameter p : parameters) {
        result.add(p.grad());
      }
    } finally {
      for (int i = 0; i < parameters.size(); i++) {
        parameters.get(i).zeroGrad();
        parameters.get(i).accumulateGrad(savedGrads.get(i));
      }
    }
    return result;
  }

  private List<Node> leaves(Graph g, List<Tensor> values, boolean differentiable) {
    List<Node> leaves = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String name = "in" + i;
      leaves.add(differentiable && !constants.contains(i) ? g.variable(name, values.get(i)) : g.constant(name, values.get(i)));
    }
    return leaves;
  }

  /** {@code Σ r ⊙ f(values)} evaluated without recording. */
  private double projected(List<Tensor> values, Tensor r) {
    Graph g = new Graph();
    try (Graph.NoGrad off = g.noGrad()) {
      Node out = function.apply(leaves(g, values, false));
      return out.value().mul(r).sum().item();
    }
  }

  private GradCheckReport.InputReport compare(String name, Tensor analytic, Tensor at, Function<Tensor, Double> loss) {
    double[] x = at.toArray();
    double[] numeric = new double[x.length];
    for (int e = 0; e < x.length; e++) {
      double saved = x[e];
      x[e] = saved + step;
      double plus = loss.apply(Tensors.of(at.shape(), x));
      x[e] = saved - step;
      double minus = loss.apply(Tensors.of(at.shape(), x));
      x[e] = saved;
      numeric[e] = (plus - minus) / (2 * step);
    }
    return GradCheckReport.InputReport.compare(name, analytic, Tensors.of(at.shape(), numeric), rtol, atol);
  }

  @Override
  public String toString() {
    return "GradCheck(" + label + ", inputs " + Arrays.toString(inputs.stream().map(Tensor::shape).toArray())
        + ", step " + step + ", rtol " + rtol + ", atol " + atol + ")";
  }
}
