package dev.unfold.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Parameter;
import dev.unfold.nn.cell.ElmanCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.io.CheckpointFormatException;
import dev.unfold.nn.io.SafeTensors;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.param.Init;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  /** A small recurrent regressor with dropout drawn from a checkpointed generator. */
  static final class Model implements TrainingTask<AddingProblem.Example> {
    final Params params;
    final ElmanCell cell;
    final Linear head;
    final SeededRandom rng;

    Model(long seed) {
      params = Params.seeded("m", seed);
      cell = new ElmanCell(params.child("rnn"), 2, 6);
      head = new Linear(params.child("head"), 6, 1);
      rng = new SeededRandom(seed + 100);
    }

    Node predict(Graph g, List<AddingProblem.Example> batch) {
      AddingProblem inputs = new AddingProblem(0, 6, 1);
      State last = Unroller.unroll(g, cell, g.constant(inputs.inputs(batch)), State.zeros(g, cell, batch.size())).last();
      return head.apply(g, last.h().dropout(0.25, rng));
    }

    @Override
    public Node loss(Graph g, List<AddingProblem.Example> batch, Map<String, Double> metrics) {
      double[] y = batch.stream().mapToDouble(AddingProblem.Example::target).toArray();
      return Losses.meanSquaredError(g, predict(g, batch), Tensors.of(Shape.of(y.length, 1), y), LossOptions.mean());
    }
  }

  private static List<AddingProblem.Example> data() {
    return AddingProblem.examples(new Well19937c(11), 96, 6);
  }

  private static TrainerConfig config() {
    return TrainerConfig.defaults().withEpochs(4).withBatchSize(16).withProgress(Progress.Mode.QUIET);
  }

  @Test
  void roundTripGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
    Model a = new Model(1);
    new Trainer<>(a, Optimizer.adam(a.params.all(), 0.01), LearningRateSchedule.constant(0.01), config().withMaxSteps(5)).fit(data());
    Path file = dir.resolve("model.safetensors");
    Checkpoint.save(file, a.params, Checkpoint.Extras.none());
    Model b = new Model(2);
    assertNotEquals(a.params.all().get(0).value(), b.params.all().get(0).value());
    Tensor expected = a.predict(Graph.inference(), data()).value();
    Tensor actual = Checkpoint.infer(file, b.params, g -> b.predict(g, data()));
    assertEquals(expected, actual);
  }

  /** Must show: a resumed run continues the same loss curve as an uninterrupted one, bit for bit. */
  @Test
  void resumedRunContinuesTheSameLossCurve(@TempDir Path dir) throws Exception {
    Model whole = new Model(3);
    double[] uninterrupted = new Trainer<>(whole, Optimizer.adam(whole.params.all(), 0.01),
        LearningRateSchedule.cosine(0.01, 0.001, 24), config()).fit(data()).losses();
    assertEquals(24, uninterrupted.length);

    Model first = new Model(3);
    Optimizer firstAdam = Optimizer.adam(first.params.all(), 0.01);
    Trainer<AddingProblem.Example> firstRun = new Trainer<>(first, firstAdam, LearningRateSchedule.cosine(0.01, 0.001, 24),
        config().withMaxSteps(10));
    double[] before = firstRun.fit(data()).losses();
    Path file = dir.resolve("resume.safetensors");
    Checkpoint.save(file, first.params, Checkpoint.Extras.training(firstAdam, firstRun.state(), first.rng));

    Model second = new Model(99);  // different initial weights and generator: all must come from the file
    Optimizer secondAdam = Optimizer.adam(second.params.all(), 0.5);
    Checkpoint.Loaded loaded = Checkpoint.restore(file, second.params, Optional.of(secondAdam), Optional.of(second.rng));
    Trainer<AddingProblem.Example> secondRun = new Trainer<>(second, secondAdam,
        LearningRateSchedule.cosine(0.01, 0.001, 24), config());
    secondRun.restore(loaded.trainer().orElseThrow());
    double[] after = secondRun.fit(data()).losses();

    double[] joined = new double[before.length + after.length];
    System.arraycopy(before, 0, joined, 0, before.length);
    System.arraycopy(after, 0, joined, before.length, after.length);
    assertArrayEquals(uninterrupted, joined);
    assertEquals(10, loaded.trainer().orElseThrow().step());
  }

  @Test
  void badFilesGiveClearErrorsAndLeaveTheModelUnchanged(@TempDir Path dir) throws Exception {
    Model m = new Model(4);
    Path good = dir.resolve("good.safetensors");
    Checkpoint.save(good, m.params, Checkpoint.Extras.none());
    Model other = new Model(5);
    List<Tensor> before = other.params.all().stream().map(Parameter::value).toList();

    Params extra = Params.seeded("m", 6);
    new ElmanCell(extra.child("rnn"), 2, 6);
    new Linear(extra.child("head"), 6, 1);
    extra.create("surplus", Shape.of(2), Init.zeros());
    CheckpointFormatException missing = assertThrows(CheckpointFormatException.class,
        () -> Checkpoint.loadParameters(good, extra));
    assertTrue(missing.getMessage().contains("missing parameters [m/surplus]"), missing.getMessage());

    Params wider = Params.seeded("m", 7);
    new ElmanCell(wider.child("rnn"), 3, 6);
    new Linear(wider.child("head"), 6, 1);
    CheckpointFormatException shape = assertThrows(CheckpointFormatException.class,
        () -> Checkpoint.loadParameters(good, wider));
    assertTrue(shape.getMessage().contains("parameter m/rnn/W has shape [2×6] in the file, the model's is [3×6]"),
        shape.getMessage());

    Params fewer = Params.seeded("m", 8);
    new ElmanCell(fewer.child("rnn"), 2, 6);
    CheckpointFormatException unexpected = assertThrows(CheckpointFormatException.class,
        () -> Checkpoint.loadParameters(good, fewer));
    assertTrue(unexpected.getMessage().contains("match no parameter of the model: [param/m/head/W, param/m/head/b]"),
        unexpected.getMessage());

    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    assertThrows(CheckpointFormatException.class, () -> Checkpoint.loadParameters(truncated, other.params));
    Path corrupt = dir.resolve("corrupt.safetensors");
    byte[] bad = bytes.clone();
    bad[10] = '{';
    Files.write(corrupt, bad);
    assertThrows(CheckpointFormatException.class, () -> Checkpoint.loadParameters(corrupt, other.params));

    // An optimizer state that does not fit is refused before any parameter changes.
    Path withOptim = dir.resolve("optim.safetensors");
    Optimizer adam = Optimizer.adam(m.params.all(), 0.1);
    m.params.all().forEach(p -> p.accumulateGrad(Tensors.ones(p.shape())));
    adam.step();
    Checkpoint.save(withOptim, m.params, Checkpoint.Extras.training(adam, TrainerState.start(), m.rng));
    Optimizer wrong = Optimizer.adam(List.of(new Parameter("m/rnn/W", Tensors.zeros(2, 6))), 0.1);
    CheckpointFormatException optim = assertThrows(CheckpointFormatException.class,
        () -> Checkpoint.restore(withOptim, other.params, Optional.of(wrong), Optional.empty()));
    assertTrue(optim.getMessage().contains("unknown key"), optim.getMessage());

    assertEquals(before, other.params.all().stream().map(Parameter::value).toList());
  }

  /** Files written by the reference safetensors: F32 widens exactly, other dtypes are refused by name. */
  @Test
  void referenceFilesLoadAsStateDicts() throws Exception {
    Path folder = SharedDir.require("fixtures/safetensors");
    Params f = Params.seeded("", 0);
    Parameter p = f.create("f", Shape.of(6), Init.zeros());
    Checkpoint.loadParameters(folder.resolve("f.safetensors"), f);
    assertEquals(Tensors.vector(-3, -2, -1, 0, 1, 2), p.value());
    Params e = Params.seeded("", 0);
    Parameter q = e.create("e", Shape.of(6), Init.zeros());
    CheckpointFormatException half = assertThrows(CheckpointFormatException.class,
        () -> Checkpoint.loadParameters(folder.resolve("e.safetensors"), e));
    assertTrue(half.getMessage().contains("'e'") && half.getMessage().contains("F16"), half.getMessage());
    assertEquals(Tensors.zeros(6), q.value());
    assertTrue(SafeTensors.read(folder.resolve("d.safetensors")).metadata().containsKey("test"));
  }
}
