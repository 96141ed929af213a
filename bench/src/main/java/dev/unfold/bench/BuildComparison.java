package dev.unfold.bench;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Locale;

/**
 * Compares builds of the library in one JVM, for a machine too noisy for separate runs: each
 * {@code benchmarks.jar} loads in its own class loader, and the builds take turns in short
 * windows (order alternating each round), so drifts in the machine's speed fall on all of them.
 * Prints each build's median and quartiles over the rounds.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xms4g -Xmx4g -cp bench/target/benchmarks.jar dev.unfold.bench.BuildComparison \
 *     matmul float32 1024 1024 1024 false false  WINDOW_MS ROUNDS  old.jar new.jar
 * java ... dev.unfold.bench.BuildComparison step rnn std float32 WARMUP_S  WINDOW_MS ROUNDS  old.jar new.jar
 * </pre>
 * {@code matmul} times {@code Tensor.matmul(b, transA, transB)} of [n×k]·[k×m] (GFLOP/s); {@code step}
 * times {@link TrainingTask#step()} (ms) after each build's warm-up. A jar given as
 * {@code JAR@THREADS} runs with its kernels capped at that many threads ({@code unfold.threads},
 * read once per class loader), so one build can be compared with itself on one and on two threads.
 */
public final class BuildComparison {
  private BuildComparison() {}

  /** One build's measured action. */
  private interface Action {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    boolean matmul = args.length > 0 && args[0].equals("matmul");
    int fixed = matmul ? 9 : 7;
    if (args.length <= fixed || !(matmul || args[0].equals("step"))) {
      System.err.println("usage: BuildComparison matmul DTYPE N K M TRANS_A TRANS_B WINDOW_MS ROUNDS JAR...\n"
          + "       BuildComparison step CELL CONFIG DTYPE WARMUP_S WINDOW_MS ROUNDS JAR...");
      System.exit(2);
    }
    long window = Long.parseLong(args[fixed - 2]) * 1_000_000L;
    int rounds = Integer.parseInt(args[fixed - 1]);
    String[] jars = Arrays.copyOfRange(args, fixed, args.length);
    Action[] actions = new Action[jars.length];
    String threadsProperty = System.getProperty(THREADS);
    for (int j = 0; j < jars.length; j++) {
      int at = jars[j].lastIndexOf('@');
      String jar = at < 0 ? jars[j] : jars[j].substring(0, at);
      setOrClear(at < 0 ? threadsProperty : jars[j].substring(at + 1));
      ClassLoader loader = new URLClassLoader(new URL[] {new File(jar).toURI().toURL()},
          ClassLoader.getPlatformClassLoader());
      actions[j] = matmul ? product(loader, args) : step(loader, args);
      actions[j].run();  // the kernels read the thread cap now, while it is set
    }
    setOrClear(threadsProperty);
    double work = matmul ? 2.0 * Integer.parseInt(args[2]) * Integer.parseInt(args[3]) * Integer.parseInt(args[4]) : 0;
    if (!matmul) {
      for (Action a : actions) {
        long end = System.nanoTime() + (long) (Double.parseDouble(args[4]) * 1e9);
        while (System.nanoTime() < end) {
          a.run();
        }
      }
    }
    double[][] score = new double[jars.length][rounds];
    for (int r = -1; r < rounds; r++) {  // round −1 warms the products up
      for (int i = 0; i < jars.length; i++) {
        int j = (r & 1) == 0 ? i : jars.length - 1 - i;
        long start = System.nanoTime();
        int reps = 0;
        while (System.nanoTime() - start < window) {
          actions[j].run();
          reps++;
        }
        long elapsed = System.nanoTime() - start;
        if (r >= 0) {
          score[j][r] = matmul ? work * reps / elapsed : elapsed / 1e6 / reps;
        }
      }
    }
    for (int j = 0; j < jars.length; j++) {
      double[] s = score[j].clone();
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "%-40s median %8.2f %s (quartiles %.2f, %.2f)%n", jars[j], s[rounds / 2],
          matmul ? "GFLOP/s" : "ms", s[rounds / 4], s[(3 * rounds) / 4]);
    }
  }

  /** The system property that caps the kernels' threads (Kernels.THREADS_PROPERTY). */
  private static final String THREADS = "unfold.threads";

  private static void setOrClear(String threads) {
    if (threads == null) {
      System.clearProperty(THREADS);
    } else {
      System.setProperty(THREADS, threads);
    }
  }

  private static Action product(ClassLoader loader, String[] args) throws Exception {
    Class<?> tensor = loader.loadClass("dev.unfold.tensor.Tensor");
    Class<?> tensors = loader.loadClass("dev.unfold.tensor.Tensors");
    Class<?> shape = loader.loadClass("dev.unfold.tensor.Shape");
    Class<?> dtype = loader.loadClass("dev.unfold.tensor.DType");
    Class<?> random = loader.loadClass("org.apache.commons.math3.random.RandomGenerator");
    Object rng = loader.loadClass("org.apache.commons.math3.random.Well19937c").getConstructor(long.class).newInstance(1L);
    Object type = enumConstant(dtype, args[1]);
    int n = Integer.parseInt(args[2]);
    int k = Integer.parseInt(args[3]);
    int m = Integer.parseInt(args[4]);
    boolean transA = Boolean.parseBoolean(args[5]);
    boolean transB = Boolean.parseBoolean(args[6]);
    Method of = shape.getMethod("of", int[].class);
    Method normal = tensors.getMethod("normal", random, shape, double.class, double.class);
    Method to = tensor.getMethod("to", dtype);
    Object a = to.invoke(normal.invoke(null, rng, of.invoke(null, (Object) (transA ? new int[] {k, n} : new int[] {n, k})), 0.0, 1.0), type);
    Object b = to.invoke(normal.invoke(null, rng, of.invoke(null, (Object) (transB ? new int[] {m, k} : new int[] {k, m})), 0.0, 1.0), type);
    Method matmul = tensor.getMethod("matmul", tensor, boolean.class, boolean.class);
    return () -> matmul.invoke(a, b, transA, transB);
  }

  private static Action step(ClassLoader loader, String[] args) throws Exception {
    Class<?> task = loader.loadClass(TrainingTask.class.getName());
    Class<?> config = loader.loadClass(TrainingTask.Config.class.getName());
    Class<?> dtype = loader.loadClass("dev.unfold.tensor.DType");
    Constructor<?> make = task.getDeclaredConstructor(String.class, config, dtype, long.class);
    make.setAccessible(true);
    Object cfg = enumConstant(config, args[2]);
    Object instance = make.newInstance(args[1], cfg, enumConstant(dtype, args[3]), 0L);
    Method step = task.getDeclaredMethod("step");
    step.setAccessible(true);
    return () -> step.invoke(instance);
  }

  /** The constant of enum {@code type} named {@code name}, in any case (works for package-private enums too). */
  private static Object enumConstant(Class<?> type, String name) {
    for (Object c : type.getEnumConstants()) {
      if (((Enum<?>) c).name().equalsIgnoreCase(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(type.getSimpleName() + " has no constant " + name);
  }
}
