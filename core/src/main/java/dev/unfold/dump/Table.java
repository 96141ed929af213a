package dev.unfold.dump;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns, for terminal reports; rows may carry note lines. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final List<List<String>> notes = new ArrayList<>();
  private final boolean[] right;

  /** A table with this header row; columns listed in {@code rightAligned} are aligned right. */
  Table(List<String> header, int... rightAligned) {
    right = new boolean[header.size()];
    for (int c : rightAligned) {
      right[c] = true;
    }
    row(header);
  }

  void row(List<String> cells) {
    if (cells.size() != right.length) {
      throw new IllegalArgumentException("row has " + cells.size() + " cells, the table " + right.length + " columns");
    }
    rows.add(cells.toArray(new String[0]));
    notes.add(new ArrayList<>());
  }

  /** A free line printed under the last row, indented past the first column. */
  void note(String line) {
    notes.get(notes.size() - 1).add(line);
  }

  /** The rendered table as a string (see {@link #render}). */
  String text(String indent) {
    StringBuilder sb = new StringBuilder();
    try {
      render(sb, indent);
    } catch (IOException e) {
      throw new AssertionError("a StringBuilder does not throw", e);
    }
    return sb.toString();
  }

  void render(Appendable out, String indent) throws IOException {
    int[] width = new int[right.length];
    for (String[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    for (int i = 0; i < rows.size(); i++) {
      StringBuilder line = new StringBuilder(indent);
      String[] r = rows.get(i);
      for (int c = 0; c < r.length; c++) {
        String pad = " ".repeat(width[c] - r[c].length());
        line.append(c == 0 ? "" : "  ").append(right[c] ? pad + r[c] : r[c] + pad);
      }
      out.append(stripTrailing(line)).append('\n');
      for (String note : notes.get(i)) {
        out.append(indent).append(" ".repeat(width[0] + 2)).append(note).append('\n');
      }
    }
  }

  private static String stripTrailing(StringBuilder sb) {
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    return sb.substring(0, end);
  }
}
