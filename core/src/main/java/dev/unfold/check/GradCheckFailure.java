package dev.unfold.check;

/** Thrown by {@link GradCheck#check()} when backprop and finite differences disagree. */
public final class GradCheckFailure extends AssertionError {
  private static final long serialVersionUID = 1L;
  private final transient GradCheckReport report;

  public GradCheckFailure(GradCheckReport report) {
    super(report.toString());
    this.report = report;
  }

  public GradCheckReport report() {
    return report;
  }
}
