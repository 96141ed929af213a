package dev.unfold.tensor;

/**
 * The element type of a tensor or parameter.
 *
 * <p>Only {@link #FLOAT64} is implemented today. The type is carried by every tensor and
 * parameter from the start so that float32 storage (planned for training speed) can be added
 * without changing callers; gradient checks always run in float64.
 */
public enum DType {
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
