package dev.unfold.tensor.kernel;

/**
 * Which kernel implementations this JVM uses: SIMD kernels on the incubating Vector API when
 * the module {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}), plain Java loops otherwise. The system property
 * {@code unfold.kernels=plain} forces the plain loops; {@code unfold.threads=N} caps the threads
 * a large product may use (default: the available processors). Both are read once, when the
 * kernels are first used. Internal.
 *
 * <p>The SIMD kernels are near the node budget of C2 (the JIT compiler) at JDK 17's defaults:
 * in some JVM runs it leaves a kernel's last vector operations uninlined, and they then run on
 * the Java fallback, boxing every vector (the same results, more time and allocation). The
 * launcher, the tests and the benchmarks pass {@code -XX:MaxNodeLimit=240000
 * -XX:NodeLimitFudgeFactor=8000 -XX:LiveNodeCountInliningCutoff=100000}, which removed it in
 * every run measured; programs embedding the library should pass them too.
 *
 * <p>The choice never changes results beyond rounding: both paths add the products of a matrix
 * element in the same order, so they agree bit for bit except where documented in {@link MatMul}.
 */
public final class Kernels {
  private Kernels() {}

  /** The system property that forces plain loops when set to {@code plain}. */
  public static final String KERNELS_PROPERTY = "unfold.kernels";

  /** The system property that caps the number of threads of one product. */
  public static final String THREADS_PROPERTY = "unfold.threads";

  static final boolean VECTOR = detectVector();

  static final int THREADS = detectThreads();

  private static boolean detectVector() {
    if ("plain".equals(System.getProperty(KERNELS_PROPERTY))) {
      return false;
    }
    // NOTE: only a check of the boot layer here; classes that name jdk.incubator.vector types are
    // touched only after it passes, so the library loads and runs without the module.
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  private static int detectThreads() {
    int available = Runtime.getRuntime().availableProcessors();
    String cap = System.getProperty(THREADS_PROPERTY);
    if (cap == null) {
      return available;
    }
    try {
      return Math.max(1, Integer.parseInt(cap.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(THREADS_PROPERTY + " must be a whole number, got " + cap, e);
    }
  }

  /** The most threads a kernel call uses (the available processors, or {@value #THREADS_PROPERTY}'s cap). */
  public static int threads() {
    return THREADS;
  }

  /** True when the Vector API kernels are in use. */
  public static boolean vectorized() {
    return VECTOR;
  }

  /**
   * For reports, for example {@code vector (256-bit, micro-kernels float32 6×2, float64 6×2), 2 threads}
   * or {@code plain loops, 2 threads}.
   */
  public static String describe() {
    String kind = VECTOR ? "vector (" + VectorMatMul.bits() + "-bit, micro-kernels " + VectorMatMul.microKernels() + ")"
        : "plain loops";
    return kind + ", " + THREADS + (THREADS == 1 ? " thread" : " threads");
  }
}
