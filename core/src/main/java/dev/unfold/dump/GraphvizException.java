package dev.unfold.dump;

import java.io.IOException;

/** Graphviz's {@code dot} is missing, failed, rejected its input or did not finish in time. */
public final class GraphvizException extends IOException {
  private static final long serialVersionUID = 1L;

  GraphvizException(String message) {
    super(message);
  }

  GraphvizException(String message, Throwable cause) {
    super(message, cause);
  }
}
