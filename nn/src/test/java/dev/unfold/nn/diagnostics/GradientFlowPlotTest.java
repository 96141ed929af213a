package dev.unfold.nn.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.dump.FlowOptions;
import dev.unfold.dump.GradientFlow;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.graph.Scope;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class GradientFlowPlotTest {
  @TempDir Path dir;

  /**
   * {@code h_t = tanh(x_t·U + h_{t−1}·W)} over 6 steps in scope rnn, loss {@code lossScale·Σ h_T},
   * gradient flow with projections.
   */
  private static GradientFlow flow(double weightScale, double lossScale) {
    Well19937c rng = new Well19937c(3);
    Parameter u = new Parameter("U", Tensors.normal(rng, Shape.of(2, 4), 0, weightScale));
    Parameter w = new Parameter("W", Tensors.normal(rng, Shape.of(4, 4), 0, weightScale));
    Graph g = new Graph();
    Node h = g.constant("h0", Tensors.zeros(1, 4));
    try (Scope rnn = g.scope("rnn")) {
      for (int t = 0; t < 6; t++) {
        try (Scope s = g.timeStep(t)) {
          Node x = g.constant("x", Tensors.uniform(rng, Shape.of(1, 2), -1, 1));
          h = x.matmul(g.param(u)).add(h.matmul(g.param(w))).tanh().named("h");
        }
      }
    }
    return GradientFlow.measure(g, h.sum().mul(lossScale), FlowOptions.defaults().withJacobianProbes(lossScale == 0 ? 0 : 4, 9));
  }

  @Test
  void writesALogScaleLineChartWithOneLinePerSeries() throws IOException {
    GradientFlow f = flow(3.0, 1.0);
    XYChart chart = GradientFlowPlot.chart(f, 640, 400);
    assertTrue(chart.getStyler().isYAxisLogarithmic());
    assertEquals(Set.of("‖∂L/∂rnn/h‖", "‖∂h_T/∂h_t‖ rnn/h (T=5)"), chart.getSeriesMap().keySet());

    Path png = dir.resolve("flow.png");
    GradientFlowPlot.writePng(f, png, 640, 400);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(List.of(640, 400), List.of(image.getWidth(), image.getHeight()));
    Set<Integer> colours = new HashSet<>();
    for (int x = 0; x < image.getWidth(); x += 4) {
      for (int y = 0; y < image.getHeight(); y += 4) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 5, "the chart is not blank: " + colours.size() + " colours");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(png), files.toList(), "written atomically, nothing left behind");
    }
  }

  @Test
  void zeroNormsAreLeftOutOfTheLogScale() {
    // With W = 0 no gradient reaches h_0 … h_4 from the loss on h_5: only t=5 can be drawn.
    GradientFlow f = flow(0.0, 1.0);
    assertEquals(0.0, f.series().get(0).norms().get(0));
    XYChart chart = GradientFlowPlot.chart(f, 100, 100);
    assertEquals(List.of(5.0), Arrays.stream(chart.getSeriesMap().get("‖∂L/∂rnn/h‖").getXData()).boxed().toList());
  }

  @Test
  void reportWithNothingPositiveIsRefused() {
    GradientFlow f = flow(1.0, 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientFlowPlot.chart(f, 100, 100));
    assertTrue(e.getMessage().contains("no norm in the report is positive"), e.getMessage());
  }
}
