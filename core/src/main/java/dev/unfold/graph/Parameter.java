package dev.unfold.graph;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;

/**
 * A named trainable tensor that outlives graphs: each graph that uses it gets one leaf node
 * ({@link Graph#param}), and every backward pass adds into its gradient, so a weight shared by
 * all time steps receives the sum of their contributions.
 *
 * <p>Order of use: build a graph and call {@code backward}; an optimizer reads {@link #grad()}
 * and calls {@link #set}; then {@link #zeroGrad()} before the next step. Not thread-safe.
 */
public final class Parameter {
  private final String name;
  private Tensor value;
  private Tensor grad;

  public Parameter(String name, Tensor initial) {
    Preconditions.checkArgument(name != null && !name.isEmpty(), "a parameter needs a name");
    this.name = name;
    this.value = Preconditions.checkNotNull(initial, "initial value of %s", name);
  }

  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  public Shape shape() {
    return value.shape();
  }

  public DType dtype() {
    return value.dtype();
  }

  /** Replaces the value; the shape must stay the same. Graphs built before keep the old value. */
  public void set(Tensor newValue) {
    if (!newValue.shape().equals(value.shape())) {
      throw ShapeException.of("parameter %s: new value has shape %s, expected %s", name, newValue.shape(), value.shape());
    }
    value = newValue;
  }

  /** The accumulated gradient; zeros before any backward pass or after {@link #zeroGrad()}. */
  public Tensor grad() {
    return grad == null ? Tensors.zeros(value.shape()) : grad;
  }

  /** Adds {@code g} into the gradient, converted to the parameter's element type. */
  public void accumulateGrad(Tensor g) {
    if (!g.shape().equals(value.shape())) {
      throw ShapeException.of("parameter %s: gradient has shape %s, expected %s", name, g.shape(), value.shape());
    }
    Tensor own = g.to(value.dtype());
    grad = grad == null ? own : grad.add(own);
  }

  public void zeroGrad() {
    grad = null;
  }

  @Override
  public String toString() {
    return "Parameter(" + name + " " + value.shape() + " " + value.dtype() + ")";
  }
}
