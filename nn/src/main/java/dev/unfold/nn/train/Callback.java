package dev.unfold.nn.train;

import java.util.Optional;

/** Hooks into a training run: after every update and every epoch; a callback may ask to stop. */
public interface Callback {
  default void onStep(Trainer<?> trainer, History.Step step) {}

  default void onEpochEnd(Trainer<?> trainer, History.Epoch epoch) {}

  /** A reason to stop now, checked after every update; empty to go on. */
  default Optional<String> stopReason() {
    return Optional.empty();
  }
}
