package dev.unfold.examples.common;

import dev.unfold.io.AtomicFiles;
import dev.unfold.nn.train.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of the examples, written atomically with XChart. */
public final class Charts {
  private Charts() {}

  /** The training loss of every step (and its running mean), and the validation loss of every epoch. */
  public static void lossCurve(History history, String title, Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step").yAxisTitle("loss").build();
    chart.getStyler().setMarkerSize(3);
    chart.getStyler().setXAxisTickMarkSpacingHint(120);  // NOTE: keeps step labels from running together
    double[] losses = history.losses();
    if (losses.length == 0) {
      throw new IllegalArgumentException("loss curve: the history has no steps");
    }
    double[] steps = new double[losses.length];
    double[] smooth = new double[losses.length];
    int window = Math.max(1, losses.length / 50);
    double sum = 0;
    for (int i = 0; i < losses.length; i++) {
      steps[i] = i + 1;
      sum += losses[i];
      if (i >= window) {
        sum -= losses[i - window];
      }
      smooth[i] = sum / Math.min(i + 1, window);
    }
    chart.addSeries("training loss", steps, losses).setMarker(SeriesMarkers.NONE).setLineWidth(0.6f);
    chart.addSeries("running mean (" + window + " steps)", steps, smooth).setMarker(SeriesMarkers.NONE);
    List<Double> vx = new ArrayList<>();
    List<Double> vy = new ArrayList<>();
    long at = 0;
    for (History.Epoch e : history.epochs()) {
      for (History.Step s : history.steps()) {
        if (s.epoch() == e.epoch()) {
          at = s.step();
        }
      }
      if (e.validationLoss().isPresent()) {
        vx.add((double) at);
        vy.add(e.validationLoss().getAsDouble());
      }
    }
    if (!vx.isEmpty()) {
      chart.addSeries("validation loss", vx, vy).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
    write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG), png);
  }

  /** A heat map of {@code values[row][column]}, for example attention weights (output step × input step). */
  public static void heatMap(double[][] values, List<String> rowLabels, List<String> columnLabels, String title, Path png)
      throws IOException {
    HeatMapChart chart = new HeatMapChartBuilder().width(80 + 40 * columnLabels.size()).height(120 + 32 * rowLabels.size())
        .title(title).build();
    chart.getStyler().setShowValue(false);
    // NOTE: XChart draws the first row at the bottom; rows are reversed so the first reads at the top.
    List<Number[]> cells = new ArrayList<>();
    int rows = values.length;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < values[r].length; c++) {
        cells.add(new Number[] {c, rows - 1 - r, values[r][c]});
      }
    }
    List<String> bottomUp = new ArrayList<>(rowLabels);
    java.util.Collections.reverse(bottomUp);
    chart.addSeries("attention", columnLabels, bottomUp, cells);
    chart.getStyler().setMin(0).setMax(1);
    write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG), png);
  }

  private static void write(byte[] png, Path file) throws IOException {
    AtomicFiles.write(file, out -> out.write(png));
  }
}
