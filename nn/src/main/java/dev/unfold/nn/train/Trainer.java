package dev.unfold.nn.train;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.optim.GradClip;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * A minibatch training loop. Each update: build the task's graph for a batch, backward, clip,
 * set the learning rate from the schedule, step the optimizer, zero the gradients, record.
 * After each epoch: validation loss (with {@code Graph.inference()}), early stopping, callbacks,
 * the metrics CSV.
 *
 * <p>Deterministic: batches come from a permutation that depends only on the seed and the epoch,
 * and every reduction runs in a fixed order on one thread, so the same seed and code give the
 * same loss curve bit for bit, and a run resumed from {@link #state()} continues it exactly.
 */
public final class Trainer<E> {
  private final TrainingTask<E> task;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final TrainerConfig config;
  private final List<Callback> callbacks = new ArrayList<>();
  private PrintStream out = System.out;
  private TrainerState state = TrainerState.start();
  private final History history = new History();

  public Trainer(TrainingTask<E> task, Optimizer optimizer, LearningRateSchedule schedule, TrainerConfig config) {
    this.task = task;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.config = config;
  }

  public Trainer<E> addCallback(Callback c) {
    callbacks.add(c);
    return this;
  }

  /** Where progress lines go (standard output by default). */
  public Trainer<E> output(PrintStream stream) {
    this.out = stream;
    return this;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public TrainerConfig config() {
    return config;
  }

  /** Where the run stands; save it with a checkpoint to resume later. */
  public TrainerState state() {
    return state;
  }

  /** Continues from a saved position (the optimizer's state is restored separately, by the checkpoint). */
  public void restore(TrainerState saved) {
    this.state = saved;
  }

  public History history() {
    return history;
  }

  /**
   * The examples held out for validation and those trained on, split reproducibly by the seed;
   * without validation, every example in its given order.
   */
  public record Split<E>(List<E> train, List<E> validation) {}

  public Split<E> split(List<E> examples) {
    if (config.validationFraction() == 0) {
      return new Split<>(List.copyOf(examples), List.of());  // keep the order: streams rely on it
    }
    List<E> shuffled = new ArrayList<>(examples);
    Collections.shuffle(shuffled, new Random(config.seed()));
    int val = (int) Math.round(examples.size() * config.validationFraction());
    if (config.validationFraction() > 0 && (val == 0 || val == examples.size())) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "validation fraction %s of %d examples leaves %d for validation: need at least one on each side",
          config.validationFraction(), examples.size(), val));
    }
    return new Split<>(List.copyOf(shuffled.subList(val, shuffled.size())), List.copyOf(shuffled.subList(0, val)));
  }

  /** Trains until the epochs, the step limit, early stopping or a callback ends it. */
  public History fit(List<E> examples) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("fit: no examples");
    }
    Split<E> split = split(examples);
    List<E> train = split.train();
    int batches = (train.size() + config.batchSize() - 1) / config.batchSize();
    long total = (long) batches * config.epochs();
    if (config.maxSteps() > 0) {
      total = Math.min(total, config.maxSteps());
    }
    Map<Parameter, Tensor> best = null;
    try (Progress progress = Progress.create(config.progress(), total, config.logEvery(), out)) {
      for (int epoch = state.epoch(); epoch < config.epochs(); epoch++) {
        List<E> order = order(train, epoch);
        double lossSum = 0;
        int lossCount = 0;
        for (int b = state.epoch() == epoch ? state.batchInEpoch() : 0; b < batches; b++) {
          if (config.maxSteps() > 0 && state.step() >= config.maxSteps()) {
            history.stopped("max steps");
            return finish(best);
          }
          List<E> batch = order.subList(b * config.batchSize(), Math.min(order.size(), (b + 1) * config.batchSize()));
          History.Step record = update(batch, epoch);
          lossSum += record.loss();
          lossCount++;
          state = new TrainerState(state.step() + 1, epoch, b + 1, state.bestValidationLoss(), state.epochsWithoutImprovement());
          history.add(record);
          progress.step(record.step(), epoch, record.loss(), record.tokensPerSecond());
          for (Callback c : callbacks) {
            c.onStep(this, record);
          }
          Optional<String> stop = callbacks.stream().map(Callback::stopReason).flatMap(Optional::stream).findFirst();
          if (stop.isPresent()) {
            history.stopped(stop.get());
            return finish(best);
          }
        }
        History.Epoch summary = endEpoch(epoch, lossCount == 0 ? Double.NaN : lossSum / lossCount, split.validation());
        boolean improved = summary.validationLoss().isPresent()
            && summary.validationLoss().getAsDouble() < state.bestValidationLoss();
        state = new TrainerState(state.step(), epoch + 1, 0,
            improved ? summary.validationLoss().getAsDouble() : state.bestValidationLoss(),
            improved ? 0 : state.epochsWithoutImprovement() + (summary.validationLoss().isPresent() ? 1 : 0));
        if (improved && config.restoreBest()) {
          best = snapshot();
        }
        progress.message(describe(summary));
        for (Callback c : callbacks) {
          c.onEpochEnd(this, summary);
        }
        writeCsv();
        if (config.patience() > 0 && state.epochsWithoutImprovement() >= config.patience()) {
          history.stopped("early stopping");
          return finish(best);
        }
      }
    }
    history.stopped("epochs");
    return finish(best);
  }

  private List<E> order(List<E> train, int epoch) {
    if (!config.shuffle()) {
      return train;
    }
    List<E> order = new ArrayList<>(train);
    Collections.shuffle(order, new Random(config.seed() * 1_000_003L + epoch));
    return order;
  }

  private History.Step update(List<E> batch, int epoch) {
    long started = System.nanoTime();
    double lr = schedule.rate(state.step());
    optimizer.setLearningRate(lr);
    Graph g = new Graph(config.dtype());
    Map<String, Double> metrics = new LinkedHashMap<>();
    Node loss = task.loss(g, batch, metrics);
    double value = loss.value().item();
    if (!Double.isFinite(value)) {
      throw new ArithmeticException(String.format(Locale.ROOT,
          "training: the loss is %s at step %d (epoch %d); lower the learning rate or clip gradients "
              + "(TrainerConfig.withClipNorm), and dump the graph to find where it starts", value, state.step() + 1, epoch + 1));
    }
    g.backward(loss);
    List<Parameter> group = optimizer.parameters().stream().filter(config.clipGroup()).toList();
    double norm = GradClip.globalNorm(optimizer.parameters());
    if (config.clipValue() > 0) {
      GradClip.byValue(group, config.clipValue());
    }
    if (config.clipNorm() > 0) {
      GradClip.byGlobalNorm(group, config.clipNorm());
    }
    optimizer.step();
    optimizer.zeroGrad();
    double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-9);
    return new History.Step(state.step() + 1, epoch, value, norm, lr, task.tokens(batch) / seconds, Map.copyOf(metrics));
  }

  private History.Epoch endEpoch(int epoch, double trainLoss, List<E> validation) {
    if (validation.isEmpty()) {
      History.Epoch e = new History.Epoch(epoch, trainLoss, OptionalDouble.empty(), Map.of());
      history.add(e);
      return e;
    }
    double sum = 0;
    Map<String, Double> metricSums = new LinkedHashMap<>();
    int batches = 0;
    for (int i = 0; i < validation.size(); i += config.batchSize()) {
      List<E> batch = validation.subList(i, Math.min(validation.size(), i + config.batchSize()));
      Map<String, Double> metrics = new LinkedHashMap<>();
      sum += task.loss(Graph.inference(config.dtype()), batch, metrics).value().item();
      metrics.forEach((k, v) -> metricSums.merge(k, v, Double::sum));
      batches++;
    }
    int n = batches;
    Map<String, Double> means = new LinkedHashMap<>();
    metricSums.forEach((k, v) -> means.put(k, v / n));
    History.Epoch e = new History.Epoch(epoch, trainLoss, OptionalDouble.of(sum / n), means);
    history.add(e);
    return e;
  }

  private static String describe(History.Epoch e) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d: train loss %.5f", e.epoch() + 1, e.trainLoss()));
    e.validationLoss().ifPresent(v -> sb.append(String.format(Locale.ROOT, ", validation loss %.5f", v)));
    e.validationMetrics().forEach((k, v) -> sb.append(String.format(Locale.ROOT, ", validation %s %.4f", k, v)));
    return sb.toString();
  }

  private Map<Parameter, Tensor> snapshot() {
    Map<Parameter, Tensor> m = new IdentityHashMap<>();
    optimizer.parameters().forEach(p -> m.put(p, p.value()));
    return m;
  }

  private History finish(Map<Parameter, Tensor> best) {
    if (best != null) {
      best.forEach(Parameter::set);
    }
    writeCsv();
    return history;
  }

  private void writeCsv() {
    if (config.metricsCsv().isPresent()) {
      try {
        history.writeCsv(config.metricsCsv().get());
      } catch (IOException e) {
        throw new UncheckedIOException("training: cannot write the metrics CSV " + config.metricsCsv().get(), e);
      }
    }
  }
}
