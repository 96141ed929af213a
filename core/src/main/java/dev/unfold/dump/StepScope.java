package dev.unfold.dump;

import dev.unfold.graph.TimeStep;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Where a scope sits in time, read from its innermost {@link TimeStep} segment: for
 * {@code enc/lstm/t=3/gates} the step is 3, the time axis {@code enc/lstm}, the folded scope
 * {@code enc/lstm/gates} and the drawn scope {@code enc/lstm/t=*}{@code /gates}.
 *
 * @param step the time step, or −1 outside time steps
 * @param axis the segments before the time step; empty outside time steps
 * @param folded the scope with the time-step segment removed
 * @param drawn the scope with the time-step segment written {@code t=*}
 */
record StepScope(int step, String axis, String folded, String drawn) {

  static StepScope of(String scope) {
    if (scope.isEmpty()) {
      return outsideTime(scope);
    }
    String[] segs = scope.split("/");
    for (int k = segs.length - 1; k >= 0; k--) {
      OptionalInt t = TimeStep.parse(segs[k]);
      if (t.isPresent()) {
        List<String> removed = new ArrayList<>(List.of(segs));
        removed.remove(k);
        String[] drawn = segs.clone();
        drawn[k] = "t=*";
        return new StepScope(t.getAsInt(), String.join("/", List.of(segs).subList(0, k)), String.join("/", removed),
            String.join("/", drawn));
      }
    }
    return outsideTime(scope);
  }

  /** A scope treated as outside time, with every time-step segment dropped (where parameters belong). */
  static StepScope outsideTime(String scope) {
    List<String> kept = new ArrayList<>();
    for (String seg : scope.split("/")) {
      if (!seg.isEmpty() && TimeStep.parse(seg).isEmpty()) {
        kept.add(seg);
      }
    }
    String outside = String.join("/", kept);
    return new StepScope(-1, "", outside, outside);
  }

  boolean inTime() {
    return step >= 0;
  }
}
