package dev.unfold.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmarked training steps give the same losses on the Vector API kernels and on the plain
 * loops: each path runs {@link TrainingTaskProbe} in its own JVM. Forward losses agree bit for
 * bit; training losses within 1e-12, because at batch 1 the input gradients {@code dz·Wᵀ} add
 * their dot products lane by lane on the vector path.
 */
class TrainingTaskKernelsTest {

  @Test
  void vectorAndPlainKernelsGiveTheSameLosses() throws Exception {
    Map<String, Double> vector = losses(run(List.of("--add-modules", "jdk.incubator.vector")), "vector");
    Map<String, Double> plain = losses(run(List.of("--add-modules", "jdk.incubator.vector", "-Dunfold.kernels=plain")), "plain");
    assertEquals(plain.keySet(), vector.keySet());
    for (String key : plain.keySet()) {
      double p = plain.get(key);
      double v = vector.get(key);
      assertTrue(Double.isFinite(p) && p > 0, key + " = " + p);
      if (key.contains("forward") || key.endsWith("step 0")) {
        assertEquals(p, v, 0.0, key);
      } else {
        assertEquals(p, v, 1e-12 * p, key);
      }
    }
  }

  private static Map<String, Double> losses(String out, String kernels) {
    assertTrue(out.contains("kernels " + kernels), out);
    Map<String, Double> losses = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("std ") || line.startsWith("small ")) {
        int cut = line.lastIndexOf(' ');
        losses.put(line.substring(0, cut), Double.parseDouble(line.substring(cut + 1).trim()));
      }
    }
    assertEquals(12, losses.size(), out);
    return losses;
  }

  private static String run(List<String> jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(TrainingTaskProbe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "probe did not finish: " + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
