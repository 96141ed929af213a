package dev.unfold.nn.seq2seq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.train.History;
import dev.unfold.nn.train.Progress;
import dev.unfold.nn.train.Trainer;
import dev.unfold.nn.train.TrainerConfig;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Must show: an encoder-decoder with attention, trained with teacher forcing only, reverses
 * digit strings of length 5–10 with at least 95% exact match when decoded open-loop (greedy),
 * within a bounded number of updates.
 */
class DigitReversalTest {
  static final int STEPS = 800;

  @Test
  void attentionEncoderDecoderLearnsToReverseDigits() {
    DigitReversal model = new DigitReversal(1, 32);
    List<int[]> train = DigitReversal.examples(new Well19937c(2), 20_000);
    Trainer<int[]> trainer = new Trainer<>(model, Optimizer.adam(model.params.all(), 0.01),
        LearningRateSchedule.cosine(0.01, 0.0005, STEPS), TrainerConfig.defaults().withEpochs(10).withMaxSteps(STEPS)
            .withBatchSize(32).withClipNorm(5).withProgress(Progress.Mode.QUIET));
    long start = System.nanoTime();
    History h = trainer.fit(train);
    List<int[]> test = DigitReversal.examples(new Well19937c(3), 500);
    double exact = model.exactMatch(test);
    System.out.printf("digit reversal: %.1f%% exact match open-loop on 500 new strings after %d updates (%.1f s)%n",
        100 * exact, h.steps().size(), (System.nanoTime() - start) / 1e9);
    assertTrue(exact >= 0.95, "exact match " + exact);
  }
}
