package dev.unfold.nn.train;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.io.CheckpointFormatException;
import dev.unfold.nn.io.SafeTensors;
import dev.unfold.nn.io.SafeTensorsFile;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.param.Params;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Saves and restores everything a training run needs to continue exactly, in the safetensors
 * format: every parameter ({@code param/NAME}), the optimizer's state ({@code optim/KEY}),
 * optional extra tensors ({@code extra/KEY}, such as a carried recurrent state), and in the
 * metadata the step counter (which is also the learning-rate schedule's position), the epoch
 * and batch position, early-stopping bookkeeping and the random generator's state.
 *
 * <p>Files are written atomically. Loading checks the whole file against the model first
 * (missing or unexpected names, shapes, dtypes that cannot be widened exactly), so a bad file
 * leaves the model, the optimizer and the generator unchanged.
 */
public final class Checkpoint {
  static final String FORMAT = "unfold-checkpoint/1";
  private static final String PARAM = "param/";
  private static final String OPTIM = "optim/";
  private static final String EXTRA = "extra/";

  private Checkpoint() {}

  /** What else to save beside the parameters; every part is optional. */
  public record Extras(Optional<Optimizer> optimizer, Optional<TrainerState> trainer, Optional<SeededRandom> rng,
      Map<String, Tensor> tensors) {
    public static Extras none() {
      return new Extras(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    /** The optimizer, the trainer's position and the generator: what an exact resume needs. */
    public static Extras training(Optimizer optimizer, TrainerState state, SeededRandom rng) {
      return new Extras(Optional.of(optimizer), Optional.of(state), Optional.ofNullable(rng), Map.of());
    }

    public Extras withTensors(Map<String, Tensor> more) {
      return new Extras(optimizer, trainer, rng, Map.copyOf(more));
    }
  }

  /** Writes a checkpoint of {@code params} and {@code extras} to {@code path}, atomically. */
  public static void save(Path path, Params params, Extras extras) throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Parameter p : params.all()) {
      tensors.put(PARAM + p.name(), p.value());
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    extras.optimizer().ifPresent(o -> {
      o.state().forEach((k, v) -> tensors.put(OPTIM + k, v));
      meta.put("optimizer", o.toString());
      meta.put("optimizer.steps", Long.toString(o.steps()));
    });
    extras.trainer().ifPresent(s -> {
      meta.put("trainer.step", Long.toString(s.step()));
      meta.put("trainer.epoch", Integer.toString(s.epoch()));
      meta.put("trainer.batch", Integer.toString(s.batchInEpoch()));
      meta.put("trainer.best_validation_loss", Double.toString(s.bestValidationLoss()));
      meta.put("trainer.epochs_without_improvement", Integer.toString(s.epochsWithoutImprovement()));
    });
    extras.rng().ifPresent(r -> meta.put("rng.well19937c", join(r.state())));
    extras.tensors().forEach((k, v) -> tensors.put(EXTRA + k, v));
    SafeTensors.write(path, tensors, meta);
  }

  /** What a loaded checkpoint held besides the parameters. */
  public record Loaded(Optional<TrainerState> trainer, Map<String, Tensor> extraTensors, Map<String, String> metadata) {}

  /**
   * Restores parameters and, when given, the optimizer and generator, checking everything before
   * changing anything.
   *
   * @throws CheckpointFormatException naming the file and the problem; nothing is changed then
   */
  public static Loaded restore(Path path, Params params, Optional<Optimizer> optimizer, Optional<SeededRandom> rng)
      throws IOException {
    SafeTensorsFile file = SafeTensors.read(path);
    Map<String, String> meta = file.metadata();
    if (!FORMAT.equals(meta.get("format"))) {
      throw new CheckpointFormatException(path, "not an Unfold checkpoint (metadata format is "
          + meta.get("format") + ", expected " + FORMAT + "); use loadParameters for a plain state dict");
    }
    Map<Parameter, Tensor> values = matchParameters(path, file.tensors(), params, PARAM);
    Map<String, Tensor> optim = new LinkedHashMap<>();
    Map<String, Tensor> extra = new LinkedHashMap<>();
    file.tensors().forEach((k, v) -> {
      if (k.startsWith(OPTIM)) {
        optim.put(k.substring(OPTIM.length()), v);
      } else if (k.startsWith(EXTRA)) {
        extra.put(k.substring(EXTRA.length()), v);
      }
    });
    long[] rngState = null;
    if (rng.isPresent()) {
      String s = meta.get("rng.well19937c");
      if (s == null) {
        throw new CheckpointFormatException(path, "no random generator state saved (metadata rng.well19937c)");
      }
      rngState = parse(path, s);
      try {
        new SeededRandom(0).restore(rngState);  // validates the state before anything changes
      } catch (IllegalArgumentException e) {
        throw new CheckpointFormatException(path, e.getMessage(), e);
      }
    }
    TrainerState trainer = meta.containsKey("trainer.step") ? trainerState(path, meta) : null;
    if (optimizer.isPresent()) {
      try {
        optimizer.get().loadState(optim, longValue(path, meta, "optimizer.steps"));
      } catch (IllegalArgumentException e) {
        throw new CheckpointFormatException(path, e.getMessage(), e);
      }
    }
    values.forEach(Parameter::set);
    if (rngState != null) {
      rng.get().restore(rngState);
    }
    return new Loaded(Optional.ofNullable(trainer), Map.copyOf(extra), meta);
  }

  /**
   * Loads parameter values by name from an Unfold checkpoint ({@code param/NAME}) or from a
   * plain state dict saved with Python's safetensors (names as they are, F32 widened exactly).
   * Every parameter of {@code params} must be present with its shape, and nothing else may be.
   *
   * @throws CheckpointFormatException naming the file and the problem; no parameter changes then
   */
  public static void loadParameters(Path path, Params params) throws IOException {
    SafeTensorsFile file = SafeTensors.read(path);
    boolean ours = FORMAT.equals(file.metadata().get("format"));
    Map<String, Tensor> candidates = new LinkedHashMap<>();
    file.tensors().forEach((k, v) -> {
      if (!ours || k.startsWith(PARAM)) {
        candidates.put(k, v);
      }
    });
    matchParameters(path, candidates, params, ours ? PARAM : "").forEach(Parameter::set);
  }

  /**
   * Inference in one call: loads the parameters and runs {@code model} in a graph that records
   * nothing and has dropout off, returning its output's value.
   */
  public static Tensor infer(Path path, Params params, Function<Graph, Node> model) throws IOException {
    loadParameters(path, params);
    return model.apply(Graph.inference()).value();
  }

  private static Map<Parameter, Tensor> matchParameters(Path path, Map<String, Tensor> tensors, Params params,
      String prefix) throws CheckpointFormatException {
    Map<Parameter, Tensor> values = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    java.util.Set<String> unused = new java.util.TreeSet<>();
    tensors.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(unused::add);
    for (Parameter p : params.all()) {
      Tensor t = tensors.get(prefix + p.name());
      if (t == null) {
        missing.add(p.name());
        continue;
      }
      unused.remove(prefix + p.name());
      if (!t.shape().equals(p.shape())) {
        throw new CheckpointFormatException(path, "parameter " + p.name() + " has shape " + t.shape()
            + " in the file, the model's is " + p.shape());
      }
      values.put(p, t);
    }
    if (!missing.isEmpty()) {
      throw new CheckpointFormatException(path, "missing parameters " + missing);
    }
    if (!unused.isEmpty()) {
      throw new CheckpointFormatException(path, "tensors that match no parameter of the model: " + unused);
    }
    return values;
  }

  private static TrainerState trainerState(Path path, Map<String, String> meta) throws CheckpointFormatException {
    try {
      return new TrainerState(Long.parseLong(meta.get("trainer.step")), Integer.parseInt(meta.get("trainer.epoch")),
          Integer.parseInt(meta.get("trainer.batch")), Double.parseDouble(meta.get("trainer.best_validation_loss")),
          Integer.parseInt(meta.get("trainer.epochs_without_improvement")));
    } catch (RuntimeException e) {
      throw new CheckpointFormatException(path, "the trainer's position in the metadata is incomplete or not numbers", e);
    }
  }

  private static long longValue(Path path, Map<String, String> meta, String key) throws CheckpointFormatException {
    try {
      return Long.parseLong(meta.get(key));
    } catch (RuntimeException e) {
      throw new CheckpointFormatException(path, "metadata " + key + " is missing or not a number", e);
    }
  }

  private static String join(long[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ",").append(values[i]);
    }
    return sb.toString();
  }

  private static long[] parse(Path path, String s) throws CheckpointFormatException {
    try {
      String[] parts = s.split(",");
      long[] out = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        out[i] = Long.parseLong(parts[i]);
      }
      return out;
    } catch (NumberFormatException e) {
      throw new CheckpointFormatException(path, "the random generator state is not a list of numbers", e);
    }
  }
}
