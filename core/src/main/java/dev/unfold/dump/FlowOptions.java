package dev.unfold.dump;

import java.util.List;

/**
 * What a {@link GradientFlow} report measures. Immutable; change a copy with the {@code withX}
 * methods.
 *
 * @param state name of the hidden-state nodes, one per time step ({@code h} by default)
 * @param gates names of further per-step nodes to report, such as {@code forget_gate} or
 *     {@code update_gate}; none by default
 * @param probes number of random projections for the estimate of ‖∂h_T/∂h_t‖; 0 (the default)
 *     skips it
 * @param seed seed of the projections' random generator
 */
public record FlowOptions(String state, List<String> gates, int probes, long seed) {
  private static final FlowOptions DEFAULTS = new FlowOptions("h", List.of(), 0, 1);

  public FlowOptions {
    if (state == null || state.isEmpty()) {
      throw new IllegalArgumentException("gradient flow: the state name is empty");
    }
    gates = List.copyOf(gates);
    if (gates.contains(state)) {
      throw new IllegalArgumentException("gradient flow: " + state + " is both the state and a gate");
    }
    if (probes < 0) {
      throw new IllegalArgumentException("gradient flow: probes must be ≥ 0, got " + probes);
    }
  }

  /** State {@code h}, no gates, no Jacobian estimate. */
  public static FlowOptions defaults() {
    return DEFAULTS;
  }

  public FlowOptions withState(String name) {
    return new FlowOptions(name, gates, probes, seed);
  }

  public FlowOptions withGates(String... names) {
    return new FlowOptions(state, List.of(names), probes, seed);
  }

  /** Estimate ‖∂h_T/∂h_t‖ with {@code count} Gaussian projections drawn from {@code rngSeed}. */
  public FlowOptions withJacobianProbes(int count, long rngSeed) {
    return new FlowOptions(state, gates, count, rngSeed);
  }
}
