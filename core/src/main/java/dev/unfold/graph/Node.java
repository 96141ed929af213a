package dev.unfold.graph;

import com.google.common.base.Preconditions;
import dev.unfold.op.Add;
import dev.unfold.op.Clamp;
import dev.unfold.op.Detach;
import dev.unfold.op.Div;
import dev.unfold.op.Dropout;
import dev.unfold.op.Exp;
import dev.unfold.op.GatherRows;
import dev.unfold.op.Log;
import dev.unfold.op.LogSoftmax;
import dev.unfold.op.MatMul;
import dev.unfold.op.MatMulAdd;
import dev.unfold.op.Mul;
import dev.unfold.op.Neg;
import dev.unfold.op.OneHot;
import dev.unfold.op.Op;
import dev.unfold.op.Pow;
import dev.unfold.op.Relu;
import dev.unfold.op.Reshape;
import dev.unfold.op.Sigmoid;
import dev.unfold.op.Slice;
import dev.unfold.op.SoftmaxCrossEntropy;
import dev.unfold.op.Sub;
import dev.unfold.op.Sum;
import dev.unfold.op.Tanh;
import dev.unfold.op.Transpose;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.util.List;
import java.util.Optional;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * A handle on one recorded value of a {@link Graph}: its op and ordered inputs, its value
 * (computed when the node was created), an optional name, the scope it was created in and,
 * after a backward pass that kept it, its gradient.
 *
 * <p>The fluent methods ({@code x.matmul(w).add(b).tanh()}) record new nodes in the same graph.
 * Composite methods such as {@link #mean()}, {@link #softmax(int)} and {@link #square()} are
 * built from primitive ops and need no backward of their own.
 */
public final class Node {
  /** What kind of value a node holds. */
  public enum Kind {
    /** A leaf that never receives a gradient (data, masks, indices). */
    CONSTANT,
    /** A leaf that receives a gradient, kept on the node (for gradient checks and probes). */
    VARIABLE,
    /** The leaf standing for a {@link Parameter} in this graph. */
    PARAMETER,
    /** The output of an op. */
    OP
  }

  private final Graph graph;
  final int index;
  private final Kind kind;
  private final Op op;
  private final Node[] inputs;
  private final Tensor value;
  final Op.Vjp vjp;
  final boolean requiresGrad;
  private final Scope scope;
  private final Parameter parameter;
  private String name;
  Tensor grad;

  Node(Graph graph, int index, Kind kind, Op op, Node[] inputs, Tensor value, Op.Vjp vjp,
      boolean requiresGrad, Scope scope, Parameter parameter, String name) {
    this.graph = graph;
    this.index = index;
    this.kind = kind;
    this.op = op;
    this.inputs = inputs;
    this.value = value;
    this.vjp = vjp;
    this.requiresGrad = requiresGrad;
    this.scope = scope;
    this.parameter = parameter;
    this.name = name;
  }

  /** Position on the graph's tape (creation order), or −1 for a node made with gradients off. */
  public int id() {
    return index;
  }

  public Graph graph() {
    return graph;
  }

  public Kind kind() {
    return kind;
  }

  /** The op that produced this node; empty for leaves. */
  public Optional<Op> op() {
    return Optional.ofNullable(op);
  }

  /** The op's name, or {@code const}, {@code var}, {@code param} for leaves. */
  public String opName() {
    return switch (kind) {
      case CONSTANT -> "const";
      case VARIABLE -> "var";
      case PARAMETER -> "param";
      case OP -> op.name();
    };
  }

  /** The inputs in order. */
  public List<Node> inputs() {
    return List.of(inputs);
  }

  public Tensor value() {
    return value;
  }

  public Shape shape() {
    return value.shape();
  }

  /** The parameter this leaf stands for; empty for other nodes. */
  public Optional<Parameter> parameter() {
    return Optional.ofNullable(parameter);
  }

  /** True when a gradient can flow into this node. */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** The node's own name; empty when unnamed. */
  public String name() {
    return name == null ? "" : name;
  }

  /** Names this node (for dumps and errors) and returns it. Names must not contain {@code /}. */
  public Node named(String newName) {
    Preconditions.checkArgument(newName != null && !newName.isEmpty() && newName.indexOf('/') < 0,
        "node names are non-empty and contain no '/': %s", newName);
    this.name = newName;
    return this;
  }

  /** The path of the scope this node was created in, for example {@code lstm/t=3}. */
  public String scopePath() {
    return scope.path();
  }

  /** Scope path and name (or op name when unnamed), for example {@code lstm/t=3/forget_gate}. */
  public String path() {
    String label = name != null ? name : opName();
    return scope.path().isEmpty() ? label : scope.path() + "/" + label;
  }

  /** True after a backward pass reached this node and kept its gradient. */
  public boolean hasGrad() {
    return grad != null;
  }

  /**
   * The gradient kept by backward: always for {@link Kind#VARIABLE} leaves, for other nodes only
   * with {@link BackwardOptions#retainGrads()}. Gradients accumulate over backward passes until
   * {@link Graph#zeroNodeGrads()}.
   *
   * @throws IllegalStateException when no gradient was kept
   */
  public Tensor grad() {
    if (grad == null) {
      throw new IllegalStateException("no gradient kept for " + this
          + (requiresGrad ? "; pass BackwardOptions.withRetainGrads(true) to keep intermediate gradients"
              : "; nothing that requires a gradient flows into it"));
    }
    return grad;
  }

  // ---------------------------------------------------------------- fluent ops

  private Node apply(Op o, Node... in) {
    return graph.apply(o, in);
  }

  public Node add(Node other) { return apply(new Add(), this, other); }
  public Node add(double c) { return add(graph.constant(Tensors.scalar(c))); }
  public Node sub(Node other) { return apply(new Sub(), this, other); }
  public Node mul(Node other) { return apply(new Mul(), this, other); }
  public Node mul(double c) { return mul(graph.constant(Tensors.scalar(c))); }
  public Node div(Node other) { return apply(new Div(), this, other); }
  public Node neg() { return apply(new Neg(), this); }
  public Node matmul(Node other) { return apply(new MatMul(), this, other); }

  /**
   * {@code this·w + c}, c broadcast to the product (a bias, or the product's shape): one
   * {@code matmul_add} node when the graph uses fused ops ({@link Graph#isFusedOps}), else
   * {@code matmul} then {@code add}. The two differ only by rounding.
   */
  public Node matmulAdd(Node w, Node c) {
    int rank = shape().rank();
    return graph.isFusedOps() && rank >= 2 && rank <= 3 && w.shape().rank() == 2
        ? apply(new MatMulAdd(), this, w, c)
        : matmul(w).add(c);
  }

  /** Swaps the last two axes. */
  public Node transpose() { return apply(new Transpose(), this); }

  /** Reorders the axes: axis i of the result is axis {@code perm[i]} of this node. */
  public Node permute(int... perm) { return apply(new Transpose(perm), this); }

  /** The same elements in a new shape; one dimension may be −1. */
  public Node reshape(int... dims) { return apply(new Reshape(dims), this); }

  public Node exp() { return apply(new Exp(), this); }
  public Node log() { return apply(new Log(), this); }
  public Node tanh() { return apply(new Tanh(), this); }
  public Node sigmoid() { return apply(new Sigmoid(), this); }
  public Node relu() { return apply(new Relu(), this); }
  public Node pow(double p) { return apply(new Pow(p), this); }
  public Node square() { return pow(2); }
  public Node sqrt() { return pow(0.5); }
  public Node clamp(double lo, double hi) { return apply(new Clamp(lo, hi), this); }

  /** The sum of all elements, as a scalar. */
  public Node sum() { return apply(new Sum(), this); }
  public Node sum(int axis, boolean keepDims) { return apply(new Sum(axis, keepDims), this); }

  /** The mean of all elements (composite: sum times 1/n). */
  public Node mean() { return sum().mul(1.0 / shape().size()); }

  /** The mean along an axis (composite: sum times 1/n). */
  public Node mean(int axis, boolean keepDims) {
    return sum(axis, keepDims).mul(1.0 / shape().dim(axis));
  }

  public Node logSoftmax(int axis) { return apply(new LogSoftmax(axis), this); }

  /** Softmax along an axis (composite: exp of the stable log-softmax). */
  public Node softmax(int axis) { return logSoftmax(axis).exp(); }

  /** Indices {@code [start, end)} along {@code axis}. */
  public Node slice(int axis, int start, int end) { return apply(new Slice(axis, start, end), this); }

  /** Consecutive pieces of the given sizes along {@code axis} (composite of slices). */
  public List<Node> split(int axis, int... sizes) {
    int total = 0;
    for (int s : sizes) {
      total += s;
    }
    if (total != shape().dim(axis)) {
      throw dev.unfold.tensor.ShapeException.of("split at %s: sizes %s add up to %d, axis %d of %s has length %d",
          path(), java.util.Arrays.toString(sizes), total, axis, shape(), shape().dim(axis));
    }
    Node[] parts = new Node[sizes.length];
    int start = 0;
    for (int i = 0; i < sizes.length; i++) {
      parts[i] = slice(axis, start, start + sizes[i]);
      start += sizes[i];
    }
    return List.of(parts);
  }

  /** This value with no gradient flowing back through it. */
  public Node detach() { return apply(new Detach(), this); }

  /**
   * Inverted dropout with probability {@code p}, using a seed drawn from {@code rng}; the identity
   * (this very node) when the graph is in evaluation mode.
   */
  public Node dropout(double p, RandomGenerator rng) {
    if (!graph.isTraining()) {
      return this;
    }
    return apply(new Dropout(p, rng.nextLong()), this);
  }

  /** Embedding lookup: rows of this table picked by whole-number {@code indices}. */
  public Node gatherRows(Node indices) { return apply(new GatherRows(), this, indices); }

  /**
   * Softmax cross-entropy of these logits (classes along the last axis) against whole-number class
   * indices shaped like this node without its last axis: {@code −log softmax(this)[…, target]} per
   * position, as one fused node.
   */
  public Node softmaxCrossEntropy(Node targets) { return apply(new SoftmaxCrossEntropy(), this, targets); }

  /** One-hot encoding of this node's whole-number class indices. */
  public Node oneHot(int depth) { return apply(new OneHot(depth), this); }

  /** For example {@code #12 lstm/t=0/forget_gate sigmoid [4×32]}; {@code #-} marks an unrecorded node. */
  @Override
  public String toString() {
    return "#" + (index >= 0 ? String.valueOf(index) : "-") + " " + path() + (name != null ? " " + opName() : "")
        + " " + shape();
  }
}
