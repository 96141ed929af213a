package dev.unfold.nn.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * How training progress is shown: a progress bar (step, loss, tokens/s, ETA) on an interactive
 * terminal, plain periodic lines when output is not a terminal (logs, CI), or nothing.
 */
public interface Progress extends AutoCloseable {
  /** The display to use. */
  enum Mode {
    /** A bar when {@code System.console()} exists, else lines. */
    AUTO, BAR, LINES, QUIET
  }

  /** Reports a finished update. */
  void step(long step, int epoch, double loss, double tokensPerSecond);

  /** Shows a message (an epoch summary, a sample) without breaking the display. */
  void message(String text);

  @Override
  void close();

  /** The display for {@code mode}, over {@code total} steps (0 when unknown), writing to {@code out}. */
  static Progress create(Mode mode, long total, int logEvery, PrintStream out) {
    Mode m = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LINES) : mode;
    return switch (m) {
      case BAR -> new Bar(total);
      case LINES -> new Lines(total, logEvery, out);
      default -> new Quiet();
    };
  }

  /** Nothing at all. */
  final class Quiet implements Progress {
    @Override public void step(long step, int epoch, double loss, double tokensPerSecond) {}
    @Override public void message(String text) {}
    @Override public void close() {}
  }

  /** A line every {@code every} steps (and on the last one). */
  final class Lines implements Progress {
    private final long total;
    private final int every;
    private final PrintStream out;
    private final long start = System.nanoTime();

    Lines(long total, int every, PrintStream out) {
      this.total = total;
      this.every = every;
      this.out = out;
    }

    @Override
    public void step(long step, int epoch, double loss, double tokensPerSecond) {
      if (step % every == 0 || step == total) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        String eta = total > 0 ? String.format(Locale.ROOT, ", ETA %.0fs", elapsed / step * (total - step)) : "";
        out.printf(Locale.ROOT, "step %d%s  epoch %d  loss %.5f  %.0f tokens/s%s%n", step,
            total > 0 ? "/" + total : "", epoch + 1, loss, tokensPerSecond, eta);
      }
    }

    @Override public void message(String text) { out.println(text); }
    @Override public void close() { out.flush(); }
  }

  /** me.tongfei's progress bar. */
  final class Bar implements Progress {
    private final ProgressBar bar;

    Bar(long total) {
      bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total > 0 ? total : -1)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).showSpeed().build();
    }

    @Override
    public void step(long step, int epoch, double loss, double tokensPerSecond) {
      bar.stepTo(step);
      bar.setExtraMessage(String.format(Locale.ROOT, " epoch %d  loss %.4f  %.0f tokens/s", epoch + 1, loss, tokensPerSecond));
    }

    @Override
    public void message(String text) {
      System.out.println();
      System.out.println(text);
    }

    @Override public void close() { bar.close(); }
  }
}
