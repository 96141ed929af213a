package dev.unfold.tensor;

/**
 * Thrown when tensors of incompatible shapes meet: the message names the operation and the
 * shapes involved, and, when raised while recording a graph node, the node's scope and inputs.
 */
public final class ShapeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ShapeException(String message) {
    super(message);
  }

  /** Formats the message with {@link String#format}, so callers can write shapes with {@code %s}. */
  public static ShapeException of(String format, Object... args) {
    return new ShapeException(String.format(java.util.Locale.ROOT, format, args));
  }
}
