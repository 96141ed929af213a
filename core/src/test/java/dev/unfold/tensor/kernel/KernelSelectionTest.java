package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernels in use depend on the JVM's modules and {@code unfold.kernels}: each case runs
 * {@link KernelProbe} in a child JVM, which also checks a blocked, threaded product exactly.
 */
class KernelSelectionTest {

  @Test
  void withoutTheVectorModuleThePlainLoopsRun() throws Exception {
    String out = probe(List.of());
    assertTrue(out.contains("kernels=plain"), out);
    assertTrue(out.contains("product ok"), out);
  }

  @Test
  void thePropertyForcesThePlainLoops() throws Exception {
    String out = probe(List.of("--add-modules", "jdk.incubator.vector", "-Dunfold.kernels=plain"));
    assertTrue(out.contains("kernels=plain"), out);
    assertTrue(out.matches("(?s).*describe=plain loops, \\d+ threads?\n.*"), out);
    assertTrue(out.contains("product ok"), out);
  }

  @Test
  void withTheVectorModuleTheVectorKernelsRun() throws Exception {
    String out = probe(List.of("--add-modules", "jdk.incubator.vector"));
    assertTrue(out.contains("kernels=vector"), out);
    // The micro-kernels follow the species: 8 × 3 with 512-bit vectors, else 6 × 2.
    assertTrue(out.matches("(?s).*describe=vector \\((512-bit, micro-kernels float32 8×3, float64 8×3|"
        + "(256|128)-bit, micro-kernels float32 6×2, float64 6×2)\\), \\d+ threads?\n.*"), out);
    assertTrue(out.contains("product ok"), out);
  }

  @Test
  void thePropertyCapsTheThreads() throws Exception {
    String out = probe(List.of("--add-modules", "jdk.incubator.vector", "-Dunfold.threads=3"));
    assertTrue(out.contains("threads=3\n"), out);
    assertTrue(out.matches("(?s).*describe=vector \\(.*\\), 3 threads\n.*"), out);
    assertTrue(out.contains("product ok"), out);
    String one = probe(List.of("-Dunfold.threads=1"));
    assertTrue(one.contains("threads=1\n") && one.contains("describe=plain loops, 1 thread\n"), one);
  }

  private static String probe(List<String> jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(KernelProbe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish: " + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
