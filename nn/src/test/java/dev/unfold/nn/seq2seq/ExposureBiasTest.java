package dev.unfold.nn.seq2seq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.train.Progress;
import dev.unfold.nn.train.Trainer;
import dev.unfold.nn.train.TrainerConfig;
import dev.unfold.tensor.Tensor;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Exposure bias, measured: a model trained only with teacher forcing predicts each next token
 * better when it is fed the true previous tokens than when it is fed its own predictions, on the
 * very same strings, and its open-loop errors grow along the sequence.
 */
class ExposureBiasTest {

  @Test
  void teacherForcedModelIsWorseOpenLoopThanTeacherForcedOnTheSameData() {
    DigitReversal model = new DigitReversal(5, 16);
    new Trainer<>(model, Optimizer.adam(model.params.all(), 0.01), LearningRateSchedule.constant(0.01),
        TrainerConfig.defaults().withMaxSteps(150).withBatchSize(32).withProgress(Progress.Mode.QUIET))
        .fit(DigitReversal.examples(new Well19937c(6), 10_000));
    List<int[]> data = DigitReversal.examples(new Well19937c(7), 400);

    double[][] forced = accuracyByPosition(model, data, Feedback.always());
    double[][] open = accuracyByPosition(model, data, Feedback.never());
    double forcedAll = forced[0][0] / forced[1][0];
    double openAll = open[0][0] / open[1][0];
    double forcedLate = forced[0][2] / forced[1][2];
    double openEarly = open[0][1] / open[1][1];
    double openLate = open[0][2] / open[1][2];
    System.out.printf("exposure bias: token accuracy teacher-forced %.3f vs open-loop %.3f; open-loop first 3 "
        + "positions %.3f, positions 6+ %.3f (teacher-forced positions 6+ %.3f)%n", forcedAll, openAll, openEarly, openLate, forcedLate);
    assertTrue(forcedAll - openAll > 0.05, "teacher-forced " + forcedAll + " vs open-loop " + openAll);
    assertTrue(openLate < openEarly - 0.05, "open-loop errors should compound: early " + openEarly + ", late " + openLate);
    assertTrue(forcedLate - openLate > 0.05, "late positions: teacher-forced " + forcedLate + " vs open " + openLate);
  }

  /** [correct, total] overall (col 0), at positions 0–2 (col 1), at positions ≥ 6 (col 2). */
  private static double[][] accuracyByPosition(DigitReversal model, List<int[]> data, Feedback feedback) {
    double[][] counts = new double[2][3];
    for (int i = 0; i < data.size(); i += 50) {
      List<int[]> batch = data.subList(i, i + 50);
      Graph g = Graph.inference();
      TeacherForcing.Result r = model.decode(g, batch, model.encode(g, batch), feedback);
      for (int t = 0; t < r.outputs().size(); t++) {
        Tensor logits = r.outputs().get(t).value();
        int[] predicted = Prediction.argmax(logits);
        for (int b = 0; b < batch.size(); b++) {
          int[] y = DigitReversal.target(batch.get(b));
          if (t >= y.length) {
            continue;
          }
          int right = predicted[b] == y[t] ? 1 : 0;
          counts[0][0] += right;
          counts[1][0]++;
          int col = t < 3 ? 1 : t >= 6 ? 2 : -1;
          if (col > 0) {
            counts[0][col] += right;
            counts[1][col]++;
          }
        }
      }
    }
    return counts;
  }
}
