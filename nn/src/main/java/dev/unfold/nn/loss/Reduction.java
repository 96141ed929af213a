package dev.unfold.nn.loss;

/** How per-position losses combine into one number. */
public enum Reduction {
  /** The weighted sum over valid positions. */
  SUM,
  /** The weighted sum divided by the total weight of valid positions (PyTorch's weighted mean). */
  MEAN
}
