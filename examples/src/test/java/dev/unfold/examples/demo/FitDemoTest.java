package dev.unfold.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitDemoTest {

  @Test
  void lossFallsWellBelowItsStartAndRunsAreReproducible() {
    FitDemo.Settings s = new FitDemo.Settings(200, 7, 0.05, 16, 8, 32, 50);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<Double> losses = new FitDemo(s).run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    double first = losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double last = losses.subList(190, 200).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertTrue(last < first / 5, "loss fell from " + first + " to " + last);
    assertEquals(losses, new FitDemo(s).run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("step  200"));
  }
}
