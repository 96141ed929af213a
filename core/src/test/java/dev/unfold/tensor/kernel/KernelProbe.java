package dev.unfold.tensor.kernel;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import org.apache.commons.math3.random.Well19937c;

/**
 * Run in a child JVM by {@link KernelSelectionTest}: prints which kernels are in use, then
 * checks a product large enough to use blocking and threads against a naive triple loop.
 */
public final class KernelProbe {
  private KernelProbe() {}

  public static void main(String[] args) {
    System.out.println(Kernels.vectorized() ? "kernels=vector" : "kernels=plain");
    System.out.println("describe=" + Kernels.describe());
    System.out.println("threads=" + Kernels.threads());
    int n = 96;
    int k = 300;
    int m = 130;
    Well19937c rng = new Well19937c(1);
    Tensor a = Tensors.normal(rng, Shape.of(n, k), 0, 1);
    Tensor b = Tensors.normal(rng, Shape.of(k, m), 0, 1);
    Tensor c = a.matmul(b);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s = Math.fma(a.get(i, p), b.get(p, j), s);
        }
        if (s != c.get(i, j)) {
          System.out.println("mismatch at " + i + ", " + j + ": " + s + " vs " + c.get(i, j));
          System.exit(1);
        }
      }
    }
    System.out.println("product ok");
  }
}
