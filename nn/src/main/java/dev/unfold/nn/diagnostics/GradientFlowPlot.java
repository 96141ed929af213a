package dev.unfold.nn.diagnostics;

import dev.unfold.dump.GradientFlow;
import dev.unfold.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG line chart of a {@link GradientFlow} report: one line per series (‖∂L/∂h_t‖, gates,
 * ‖∂h_T/∂h_t‖) against the time step, on a logarithmic y axis so that vanishing and exploding
 * gradients show as straight slopes.
 *
 * <p>A log scale cannot show 0: steps a gradient does not reach (norm 0) are left out of their
 * line, and a series with no positive norm is left out of the chart.
 */
public final class GradientFlowPlot {
  private GradientFlowPlot() {}

  /** Writes the chart, 800×500 pixels, to {@code file} atomically. */
  public static void writePng(GradientFlow flow, Path file) throws IOException {
    writePng(flow, file, 800, 500);
  }

  /**
   * Writes the chart, {@code width}×{@code height} pixels, to {@code file} atomically.
   *
   * @throws IllegalArgumentException when no norm in the report is positive
   */
  public static void writePng(GradientFlow flow, Path file, int width, int height) throws IOException {
    XYChart chart = chart(flow, width, height);
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(file, out -> out.write(png));
  }

  /** The chart itself, for callers that show or export it another way. */
  public static XYChart chart(GradientFlow flow, int width, int height) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title("Gradient flow over time steps")
        .xAxisTitle("time step t").yAxisTitle("norm (log scale)").build();
    XYStyler styler = chart.getStyler();
    styler.setYAxisLogarithmic(true);
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setChartBackgroundColor(Color.WHITE);
    for (GradientFlow.Series s : flow.series()) {
      List<Integer> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      s.norms().forEach((t, norm) -> {
        if (norm > 0 && Double.isFinite(norm)) {
          x.add(t);
          y.add(norm);
        }
      });
      if (!x.isEmpty()) {
        chart.addSeries(s.heading(), x, y).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      throw new IllegalArgumentException(
          "gradient flow plot: no norm in the report is positive and finite, so a log scale has nothing to show");
    }
    return chart;
  }
}
