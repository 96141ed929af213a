package dev.unfold.graph;

import com.google.common.base.Preconditions;
import dev.unfold.op.Concat;
import dev.unfold.op.Op;
import dev.unfold.op.Where;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.MatMulShape;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorSum;
import dev.unfold.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A define-by-run tape. Calling an op on nodes computes its value at once and appends a node;
 * {@link #backward} then walks the tape in reverse creation order, which is a valid topological
 * order, with a plain loop (no recursion, so a 10,000-step unroll cannot overflow the stack).
 *
 * <p>Gradients add up wherever a node is used more than once, which is how a parameter shared
 * by every time step receives the sum of their contributions.
 *
 * <p>Modes: with gradients off ({@link #noGrad()} or {@link #inference()}) ops compute values
 * and record nothing; in evaluation mode ({@link #setTraining(boolean)}) dropout is the
 * identity. A graph is not thread-safe; build one per thread.
 *
 * <p>Anomaly mode ({@link #setAnomalyDetection(boolean)}, off by default) checks every value
 * as it is computed and every gradient a pullback returns, and throws an
 * {@link AnomalyException} at the first NaN or infinity, naming the node and summarising its
 * inputs. When off it costs one boolean test per node.
 */
public final class Graph {
  private final ArrayList<Node> tape = new ArrayList<>();
  private final Map<Parameter, Node> recordedParams = new IdentityHashMap<>();
  private final Map<Parameter, Node> unrecordedParams = new IdentityHashMap<>();
  private final Scope root = new Scope(this, null, "");
  private Scope current = root;
  private boolean gradEnabled = true;
  private boolean training = true;
  private boolean anomalyDetection;
  private boolean fusedOps = true;
  private NodeTimer timer;
  private final DType dtype;

  /** A float64 graph that records nodes for backprop, in training mode. */
  public Graph() {
    this(DType.FLOAT64);
  }

  /**
   * A graph that records nodes for backprop, in training mode, computing in {@code dtype}: every
   * leaf (constants, variables and parameters) is converted to it when it enters the graph, so a
   * model written once runs in float32 or float64. Parameters keep their own type and receive
   * their gradients converted back to it.
   */
  public Graph(DType dtype) {
    this.dtype = Preconditions.checkNotNull(dtype, "dtype");
  }

  /** A float64 graph for inference: records nothing, and dropout is the identity. */
  public static Graph inference() {
    return inference(DType.FLOAT64);
  }

  /** A graph for inference computing in {@code dtype}. */
  public static Graph inference(DType dtype) {
    Graph g = new Graph(dtype);
    g.gradEnabled = false;
    g.training = false;
    return g;
  }

  /** The element type leaves are converted to. */
  public DType dtype() {
    return dtype;
  }

  // ---------------------------------------------------------------- leaves

  /** A constant leaf: data, masks, indices. Never receives a gradient. */
  public Node constant(Tensor value) {
    return leaf(Node.Kind.CONSTANT, value, null, null, false);
  }

  /** A named constant leaf. */
  public Node constant(String name, Tensor value) {
    return leaf(Node.Kind.CONSTANT, value, null, name, false);
  }

  /**
   * A leaf that receives a gradient kept on the node itself ({@link Node#grad()}); what
   * gradient checks differentiate with respect to.
   */
  public Node variable(String name, Tensor value) {
    return leaf(Node.Kind.VARIABLE, value, null, name, gradEnabled);
  }

  /** The leaf for {@code p} in this graph: one per parameter, shared by every use. */
  public Node param(Parameter p) {
    Map<Parameter, Node> memo = gradEnabled ? recordedParams : unrecordedParams;
    Node n = memo.get(p);
    if (n == null) {
      n = leaf(Node.Kind.PARAMETER, p.value(), p, p.name(), gradEnabled);
      memo.put(p, n);
    }
    return n;
  }

  private Node leaf(Node.Kind kind, Tensor value, Parameter p, String name, boolean requiresGrad) {
    Preconditions.checkNotNull(value, "leaf value");
    value = value.to(dtype);
    // NOTE: a parameter belongs to no time step: its one leaf sits at the root scope, wherever
    // it is first used, so dumps show one W rather than "t=0/W".
    Scope scope = kind == Node.Kind.PARAMETER ? root : current;
    Node n = new Node(this, gradEnabled ? tape.size() : -1, kind, null, new Node[0], value, null,
        requiresGrad, scope, p, name);
    if (anomalyDetection && !value.isFinite()) {
      throw AnomalyException.forward(n);
    }
    if (gradEnabled) {
      tape.add(n);
    }
    return n;
  }

  // ---------------------------------------------------------------- ops

  /**
   * Applies {@code op} to {@code in}: checks the shapes, computes the value now and records the
   * node (unless gradients are off).
   *
   * @throws ShapeException naming the op, the scope, the inputs and their shapes on a mismatch
   */
  public Node apply(Op op, Node... in) {
    long start = timer == null ? 0 : System.nanoTime();
    Shape[] shapes = new Shape[in.length];
    Tensor[] values = new Tensor[in.length];
    boolean anyRequiresGrad = false;
    for (int i = 0; i < in.length; i++) {
      Node x = in[i];
      if (x == null) {
        throw new NullPointerException(op.name() + ": input " + i + " is null");
      }
      if (x.graph() != this) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s%s: input %d (%s) belongs to another graph", op.name(), where(), i, x));
      }
      shapes[i] = x.shape();
      values[i] = x.value();
      anyRequiresGrad |= x.requiresGrad;
    }
    Shape expected;
    Op.Applied applied;
    try {
      expected = op.outputShape(Arrays.asList(shapes));
      applied = op.apply(values);
    } catch (RuntimeException e) {
      throw inContext(op, in, e);
    }
    if (!applied.value().shape().equals(expected)) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "%s%s: declared output shape %s but computed %s (a bug in the op)", op.name(), where(), expected,
          applied.value().shape()));
    }
    boolean requiresGrad = gradEnabled && anyRequiresGrad && op.differentiable();
    Node n = new Node(this, gradEnabled ? tape.size() : -1, Node.Kind.OP, op, in.clone(), applied.value(),
        requiresGrad ? applied.vjp() : null, requiresGrad, current, null, null);
    if (anomalyDetection && !applied.value().isFinite()) {
      throw AnomalyException.forward(n);  // before recording: a failed node never reaches the tape
    }
    if (gradEnabled) {
      tape.add(n);
    }
    if (timer != null) {
      timer.forward(n, System.nanoTime() - start);
    }
    return n;
  }

  private String where() {
    return current.path().isEmpty() ? "" : " at " + current.path();
  }

  private RuntimeException inContext(Op op, Node[] in, RuntimeException e) {
    String msg = String.valueOf(e.getMessage());
    // The op (or the tensor method it called) names itself first; the graph's prefix replaces that.
    msg = msg.replaceFirst("^[A-Za-z_.]+: ", "");
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < in.length; i++) {
      inputs.append(i == 0 ? "" : ", ").append(in[i].toString());
    }
    String full = op.name() + where() + ": " + msg + " (inputs: " + inputs + ")";
    RuntimeException wrapped;
    if (e instanceof ShapeException) {
      wrapped = new ShapeException(full);
    } else if (e instanceof IndexOutOfBoundsException) {
      wrapped = new IndexOutOfBoundsException(full);
    } else if (e instanceof IllegalArgumentException) {
      wrapped = new IllegalArgumentException(full);
    } else {
      return e;
    }
    wrapped.initCause(e);
    return wrapped;
  }

  /** Joins nodes along {@code axis}. */
  public Node concat(int axis, Node... parts) {
    return apply(new Concat(axis), parts);
  }

  /** Joins nodes along {@code axis}. */
  public Node concat(int axis, List<Node> parts) {
    return concat(axis, parts.toArray(new Node[0]));
  }

  /** {@code mask ≠ 0 ? a : b} element by element, broadcast together; the mask gets no gradient. */
  public Node where(Node mask, Node a, Node b) {
    return apply(new Where(), mask, a, b);
  }

  // ---------------------------------------------------------------- scopes and modes

  /** Opens a child scope of the current one; close it (try-with-resources) to return. */
  public Scope scope(String segment) {
    Preconditions.checkArgument(segment != null && !segment.isEmpty() && segment.indexOf('/') < 0,
        "scope segments are non-empty and contain no '/': %s", segment);
    current = new Scope(this, current, segment);
    return current;
  }

  /** Opens the scope {@code t=K} for one time step (see {@link TimeStep}). */
  public Scope timeStep(int t) {
    return scope(TimeStep.segment(t));
  }

  void exitScope(Scope s) {
    if (s != current) {
      throw new IllegalStateException("scope " + s + " closed while " + current + " is open; close scopes innermost first");
    }
    current = s.parent();
  }

  /** The scope new nodes are created in. */
  public Scope currentScope() {
    return current;
  }

  /** True when ops are recorded for backprop. */
  public boolean isGradEnabled() {
    return gradEnabled;
  }

  /** Turns recording off until the returned handle is closed: {@code try (var off = g.noGrad()) { … }}. */
  public NoGrad noGrad() {
    NoGrad handle = new NoGrad(gradEnabled);
    gradEnabled = false;
    return handle;
  }

  /** Restores the recording state that {@link #noGrad()} replaced. */
  public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad(boolean previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      gradEnabled = previous;
    }
  }

  /** True in training mode (the default); false in evaluation mode, where dropout is the identity. */
  public boolean isTraining() {
    return training;
  }

  public void setTraining(boolean training) {
    this.training = training;
  }

  /**
   * Turns anomaly detection on or off: when on, the first value computed in forward and the
   * first gradient computed in backward that holds a NaN or an infinity throws an
   * {@link AnomalyException}. Off by default.
   */
  public void setAnomalyDetection(boolean on) {
    this.anomalyDetection = on;
  }

  /** True when anomaly detection is on. */
  public boolean isAnomalyDetection() {
    return anomalyDetection;
  }

  /**
   * Whether graph-building code may use fused ops (such as an LSTM step's {@code lstm_update})
   * where it has a choice; true by default. Off, it builds the composite of primitives instead,
   * with every intermediate (gate) node named: for dumps and gradient-flow reports that follow
   * gates. Both give the same values and gradients up to rounding. The graph itself only stores
   * the flag.
   */
  public void setFusedOps(boolean on) {
    this.fusedOps = on;
  }

  /** True when graph-building code may use fused ops (the default); see {@link #setFusedOps}. */
  public boolean isFusedOps() {
    return fusedOps;
  }

  /**
   * Attaches a timer that receives each node's forward and backward wall-clock time (see
   * {@link NodeTimer}), or detaches it with null. For profiling: {@code dev.unfold.dump.OpProfile}
   * tabulates the times per op.
   */
  public void setNodeTimer(NodeTimer timer) {
    this.timer = timer;
  }

  // ---------------------------------------------------------------- backprop

  /** Backprop from a one-element loss with seed gradient 1, accumulating into parameters. */
  public void backward(Node loss) {
    if (loss.shape().size() != 1) {
      throw ShapeException.of("backward: the loss %s must have exactly one element, got shape %s; "
          + "for other outputs pass a seed gradient with backward(node, seed, options)", loss, loss.shape());
    }
    backward(loss, Tensors.ones(loss.shape()).to(loss.value().dtype()), BackwardOptions.defaults());
  }

  /**
   * Backprop from any recorded node with a seed gradient of its shape: computes the
   * vector-Jacobian product {@code seedᵀ·∂root/∂x} for every node x it reaches.
   */
  public void backward(Node root, Tensor seed, BackwardOptions options) {
    Preconditions.checkArgument(root.graph() == this, "backward: %s belongs to another graph", root);
    Preconditions.checkArgument(root.index >= 0, "backward: %s was made with gradients off and is not on the tape", root);
    if (!seed.shape().equals(root.shape())) {
      throw ShapeException.of("backward: seed gradient has shape %s, node %s has shape %s", seed.shape(), root, root.shape());
    }
    if (!root.requiresGrad) {
      throw new IllegalArgumentException("backward: nothing that requires a gradient flows into " + root
          + " (no parameter or variable reaches it, or it is detached)");
    }
    if (anomalyDetection && !seed.isFinite()) {
      throw AnomalyException.seed(root, seed);
    }
    Tensor[] grads = new Tensor[root.index + 1];
    // NOTE: a node with several consumers (a parameter shared by every time step) sums its
    // gradients in place in a TensorSum instead of allocating a new tensor per contribution.
    TensorSum[] sums = new TensorSum[root.index + 1];
    grads[root.index] = seed.to(root.value().dtype());
    for (int i = root.index; i >= 0; i--) {
      long start = timer == null ? 0 : System.nanoTime();
      Tensor g = grads[i];
      boolean summing = sums[i] != null;
      if (summing) {
        g = sums[i].result();
        sums[i] = null;
      }
      if (g == null) {
        continue;
      }
      grads[i] = null;
      Node n = tape.get(i);
      if (n.kind() == Node.Kind.VARIABLE || options.retainGrads()) {
        n.grad = n.grad == null ? g : n.grad.add(g);
      }
      if (n.kind() == Node.Kind.PARAMETER && options.accumulateIntoParameters()) {
        n.parameter().orElseThrow().accumulateGrad(g);
        summing = true;
      }
      if (timer != null && summing) {
        long summed = System.nanoTime();
        timer.gradientSum(n, summed - start);
        start = summed;
      }
      if (n.vjp != null) {
        propagate(n, g, grads, sums);
        if (timer != null) {
          timer.backward(n, System.nanoTime() - start);
        }
      }
    }
  }

  private void propagate(Node n, Tensor g, Tensor[] grads, TensorSum[] sums) {
    if (n.vjp instanceof Op.SinkVjp sink) {
      sink.pullback(g, new Sink(n, g, grads, sums));
      return;
    }
    Tensor[] dIn = n.vjp.pullback(g);
    List<Node> in = n.inputs();
    if (dIn == null || dIn.length != in.size()) {
      throw new IllegalStateException(String.format(Locale.ROOT, "%s at %s: pullback returned %s gradients for %d inputs",
          n.opName(), n.path(), dIn == null ? "no" : String.valueOf(dIn.length), in.size()));
    }
    for (int j = 0; j < dIn.length; j++) {
      Node x = in.get(j);
      Tensor d = dIn[j];
      if (d == null || !x.requiresGrad) {
        continue;
      }
      if (!d.shape().equals(x.shape())) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%s at %s: pullback gave input %d (%s) a gradient of shape %s, expected %s",
            n.opName(), n.path(), j, x, d.shape(), x.shape()));
      }
      if (anomalyDetection && !d.isFinite()) {
        throw AnomalyException.backward(n, j, d, g);
      }
      accumulate(x.index, d.to(x.value().dtype()), grads, sums);
    }
  }

  private static void accumulate(int k, Tensor d, Tensor[] grads, TensorSum[] sums) {
    if (sums[k] != null) {
      sums[k].add(d);
    } else if (grads[k] != null) {
      sums[k] = TensorSum.of(grads[k], d);
      grads[k] = null;
    } else {
      grads[k] = d;
    }
  }

  /** The gradients of one node's inputs, as a {@link Op.SinkVjp} writes them: checked like pullback results. */
  private final class Sink implements Op.Gradients {
    private final Node node;
    private final Tensor dOut;
    private final Tensor[] grads;
    private final TensorSum[] sums;

    Sink(Node node, Tensor dOut, Tensor[] grads, TensorSum[] sums) {
      this.node = node;
      this.dOut = dOut;
      this.grads = grads;
      this.sums = sums;
    }

    private Node input(int j) {
      List<Node> in = node.inputs();
      if (j < 0 || j >= in.size()) {
        throw new IllegalStateException(String.format(Locale.ROOT, "%s at %s: gradient for input %d of %d",
            node.opName(), node.path(), j, in.size()));
      }
      return in.get(j);
    }

    private void checkShape(int j, Node x, Shape s) {
      if (!s.equals(x.shape())) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%s at %s: pullback gave input %d (%s) a gradient of shape %s, expected %s",
            node.opName(), node.path(), j, x, s, x.shape()));
      }
    }

    @Override
    public boolean needed(int j) {
      return input(j).requiresGrad;
    }

    @Override
    public void add(int j, Tensor d) {
      Node x = input(j);
      if (d == null || !x.requiresGrad) {
        return;
      }
      checkShape(j, x, d.shape());
      if (anomalyDetection && !d.isFinite()) {
        throw AnomalyException.backward(node, j, d, dOut);
      }
      accumulate(x.index, d.to(x.value().dtype()), grads, sums);
    }

    @Override
    public void addProduct(int j, Tensor a, boolean transA, Tensor b, boolean transB) {
      Node x = input(j);
      if (!x.requiresGrad) {
        return;
      }
      if (anomalyDetection) {
        add(j, a.matmul(b, transA, transB));  // formed, so that it can be checked for NaN on its own
        return;
      }
      checkShape(j, x, MatMulShape.of(node.opName(), a.shape(), transA, b.shape(), transB).out());
      int k = x.index;
      DType type = x.value().dtype();
      if (sums[k] == null && grads[k] == null) {
        sums[k] = TensorSum.ofProduct(a.to(type), transA, b.to(type), transB);
        return;
      }
      if (sums[k] == null) {
        sums[k] = TensorSum.of(grads[k]);
        grads[k] = null;
      }
      sums[k].addProduct(a, transA, b, transB);
    }

    @Override
    public void addSlice(int j, Tensor part, int axis, int start) {
      Node x = input(j);
      if (!x.requiresGrad) {
        return;
      }
      Shape s = x.shape();
      int a = s.axis(axis);
      if (anomalyDetection || part.rank() != s.rank()) {
        add(j, part.pad(a, start, s.dim(a) - start - part.shape().dim(a)));  // formed and checked as a whole
        return;
      }
      int k = x.index;
      if (sums[k] == null) {
        sums[k] = grads[k] == null ? TensorSum.zeros(s, x.value().dtype()) : TensorSum.of(grads[k]);
        grads[k] = null;
      }
      sums[k].addSlice(part, a, start);
    }
  }

  /** Clears the gradients kept on nodes (parameters keep theirs; see {@link Parameter#zeroGrad()}). */
  public void zeroNodeGrads() {
    for (Node n : tape) {
      n.grad = null;
    }
  }

  /** The recorded nodes in creation order (an immutable snapshot). */
  public List<Node> nodes() {
    return List.copyOf(tape);
  }

  /** Number of recorded nodes. */
  public int size() {
    return tape.size();
  }
}
