package dev.unfold.nn.param;

import com.google.common.base.Preconditions;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * How a parameter's first value is drawn. Fan-in and fan-out are the first and last dimension
 * of a matrix {@code [in×out]} (the layout used by {@code x·W}); a vector has fan-in 1.
 */
@FunctionalInterface
public interface Init {
  /** A value of {@code shape} drawn from {@code rng}. */
  Tensor create(RandomGenerator rng, Shape shape);

  /** All zeros. */
  static Init zeros() {
    return (rng, s) -> Tensors.zeros(s);
  }

  /** Every element equal to {@code value} (for example a forget-gate bias of 1). */
  static Init constant(double value) {
    return (rng, s) -> Tensors.full(s, value);
  }

  /** Uniform in {@code [−a, a]}. */
  static Init uniform(double a) {
    return (rng, s) -> Tensors.uniform(rng, s, -a, a);
  }

  /** Normal with mean 0 and standard deviation {@code std}. */
  static Init normal(double std) {
    return (rng, s) -> Tensors.normal(rng, s, 0, std);
  }

  /** Glorot and Bengio (2010): uniform in ±√(6 / (fanIn + fanOut)). */
  static Init xavierUniform() {
    return (rng, s) -> Tensors.uniform(rng, s, -xavierBound(s), xavierBound(s));
  }

  /** Glorot and Bengio (2010): normal with standard deviation √(2 / (fanIn + fanOut)). */
  static Init xavierNormal() {
    return (rng, s) -> Tensors.normal(rng, s, 0, Math.sqrt(2.0 / (fanIn(s) + fanOut(s))));
  }

  /**
   * Saxe et al. (2014): a random orthogonal matrix (the Q of a Gaussian matrix's QR
   * decomposition, signs fixed so the distribution is uniform), for recurrent matrices. A
   * matrix {@code [n × k·n]} (fused gates) gets an orthogonal block per gate.
   */
  static Init orthogonal() {
    return (rng, s) -> {
      Preconditions.checkArgument(s.rank() == 2, "orthogonal init needs a matrix, got %s", s);
      int rows = s.dim(0);
      int cols = s.dim(1);
      if (cols % rows == 0 && cols > rows) {
        Tensor[] blocks = new Tensor[cols / rows];
        for (int i = 0; i < blocks.length; i++) {
          blocks[i] = orthogonalSquareOrRect(rng, rows, rows);
        }
        return Tensor.concat(1, java.util.List.of(blocks));
      }
      return orthogonalSquareOrRect(rng, rows, cols);
    };
  }

  private static Tensor orthogonalSquareOrRect(RandomGenerator rng, int rows, int cols) {
    int n = Math.max(rows, cols);
    double[][] g = new double[n][n];
    for (double[] row : g) {
      for (int j = 0; j < n; j++) {
        row[j] = rng.nextGaussian();
      }
    }
    QRDecomposition qr = new QRDecomposition(MatrixUtils.createRealMatrix(g));
    RealMatrix q = qr.getQ();
    RealMatrix r = qr.getR();
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        // NOTE: multiplying column j by sign(R_jj) makes Q Haar-distributed (Mezzadri 2007).
        out[i][j] = q.getEntry(i, j) * Math.signum(r.getEntry(j, j) == 0 ? 1 : r.getEntry(j, j));
      }
    }
    return Tensors.of(out);
  }

  private static int fanIn(Shape s) {
    return s.rank() < 2 ? 1 : s.dim(0);
  }

  private static int fanOut(Shape s) {
    return s.rank() == 0 ? 1 : s.dim(-1);
  }

  private static double xavierBound(Shape s) {
    return Math.sqrt(6.0 / (fanIn(s) + fanOut(s)));
  }
}
