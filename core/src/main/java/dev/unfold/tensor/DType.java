package dev.unfold.tensor;

/**
 * The element type of a tensor, a parameter or a graph.
 *
 * <p>{@link #FLOAT64} is the default everywhere. {@link #FLOAT32} halves the memory traffic and
 * doubles the SIMD width for training: a graph built with {@code new Graph(DType.FLOAT32)}
 * computes in float32 while parameters keep float64 master values. Gradient checks always run
 * in float64. A result's type follows PyTorch's promotion: float32 when every operand is
 * float32, float64 otherwise, except that a rank-0 operand takes the other operand's type.
 */
public enum DType {
  /** IEEE 754 single precision, 4 bytes per element. */
  FLOAT32("float32", 4),
  /** IEEE 754 double precision, 8 bytes per element. */
  FLOAT64("float64", 8);

  private final String label;
  private final int bytes;

  DType(String label, int bytes) {
    this.label = label;
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return label;
  }
}
