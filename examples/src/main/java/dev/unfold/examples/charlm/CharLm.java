package dev.unfold.examples.charlm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unfold.examples.common.Charts;
import dev.unfold.examples.common.CommonOptions;
import dev.unfold.examples.common.Dumps;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.io.AtomicFiles;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.decode.Decoding;
import dev.unfold.nn.decode.StopRule;
import dev.unfold.nn.loss.LossOptions;
import dev.unfold.nn.loss.Losses;
import dev.unfold.nn.optim.Optimizer;
import dev.unfold.nn.optim.LearningRateSchedule;
import dev.unfold.nn.seq.TruncatedBptt;
import dev.unfold.nn.train.Callback;
import dev.unfold.nn.train.Checkpoint;
import dev.unfold.nn.train.History;
import dev.unfold.nn.train.Progress;
import dev.unfold.nn.train.Trainer;
import dev.unfold.nn.train.TrainerConfig;
import dev.unfold.nn.train.TruncatedBpttStream;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.math3.random.Well19937c;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./unfold charlm}: a character-level language model trained with truncated BPTT on the
 * bundled King James text, printing samples as it learns and reporting validation bits per
 * character; {@code --sample} generates from a saved checkpoint.
 */
@Command(name = "charlm", mixinStandardHelpOptions = true,
    description = "Character-level language model (LSTM by default) on a public-domain English corpus, "
        + "trained with truncated BPTT; prints samples and validation bits per character.")
public final class CharLm implements Callable<Integer> {
  static final int DEFAULT_STEPS = 2000;

  @Mixin CommonOptions common = new CommonOptions();

  @Option(names = "--cell", description = "rnn, gru, lstm or mgu (a custom cell written in the example) (default: ${DEFAULT-VALUE})")
  String cell = "lstm";

  @Option(names = "--hidden", description = "hidden units (default: ${DEFAULT-VALUE})")
  int hidden = 128;

  @Option(names = "--embed", description = "character embedding size (default: ${DEFAULT-VALUE})")
  int embed = 32;

  @Option(names = "--batch", description = "parallel streams of text (default: ${DEFAULT-VALUE})")
  int batch = 32;

  @Option(names = "--bptt", description = "truncated BPTT length in characters (default: ${DEFAULT-VALUE})")
  int bptt = 50;

  @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
  double lr = 0.004;

  @Option(names = "--sample-every", description = "print a sample every N steps (default: ${DEFAULT-VALUE})")
  int sampleEvery = 250;

  @Option(names = "--val-chars", description = "validation characters scored for bits per character (default: ${DEFAULT-VALUE})")
  int valChars = 30_000;

  @Option(names = "--sample", description = "generate from a saved checkpoint instead of training")
  boolean sample;

  @Option(names = "--checkpoint", description = "checkpoint to sample from (default: <out>/model.safetensors)")
  Path checkpoint;

  @Option(names = "--length", description = "characters to generate (default: ${DEFAULT-VALUE})")
  int length = 400;

  @Option(names = "--temperature", description = "sampling temperature (default: ${DEFAULT-VALUE})")
  double temperature = 0.8;

  @Option(names = "--prime", description = "text to start from (default: \"${DEFAULT-VALUE}\")")
  String prime = "And ";

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path dir = common.out("charlm");
    return sample ? sampleFromCheckpoint(dir) : train(dir);
  }

  private int train(Path dir) throws IOException {
    Corpus corpus = Corpus.bundled();
    CharModel model = new CharModel(new CharModel.Config(cell, corpus.size(), embed, hidden), common.seed);
    int[][] split = corpus.split(0.1);
    int[] train = split[0];
    int streamLength = train.length / batch;
    Tensor streams = streams(train, batch, streamLength);
    int steps = common.steps(DEFAULT_STEPS);
    out.printf(Locale.ROOT, "charlm: %s, hidden %d, embedding %d, vocabulary %d; %,d training characters in %d streams, "
        + "BPTT %d; %d steps%n", cell, hidden, embed, corpus.size(), train.length, batch, bptt, steps);
    out.print(model.params().summary());

    TruncatedBpttStream task = new TruncatedBpttStream(streamLength - 1, bptt, batch, (g, chunk, carried, metrics) -> {
      State init = carried.orElseGet(() -> model.zeroState(g, batch));
      CharModel.Forward f = model.forward(g, streams.slice(0, chunk.start(), chunk.end()), init);
      Tensor targets = streams.slice(0, chunk.start() + 1, chunk.end() + 1);
      return new TruncatedBpttStream.Result(Losses.softmaxCrossEntropy(g, f.logits(), targets, LossOptions.mean()), f.last());
    });
    int chunks = task.chunks().size();
    Optimizer adam = Optimizer.adam(model.params().all(), lr);
    TrainerConfig config = TrainerConfig.defaults().withEpochs((steps + chunks - 1) / chunks).withMaxSteps(steps)
        .withBatchSize(1).withShuffle(false).withClipNorm(5).withSeed(common.seed).withDType(common.dtype)
        .withProgress(common.quiet ? Progress.Mode.QUIET : Progress.Mode.AUTO).withLogEvery(50)
        .withMetricsCsv(dir.resolve("metrics.csv"));
    Trainer<TruncatedBptt.Chunk> trainer = new Trainer<>(task, adam, LearningRateSchedule.cosine(lr, lr / 10, steps), config);
    trainer.output(out);
    Well19937c sampling = new Well19937c(common.seed + 1);
    StringBuilder samples = new StringBuilder();
    trainer.addCallback(new Callback() {
      @Override public void onStep(Trainer<?> t, History.Step s) {
        if (s.step() % sampleEvery == 0 && s.step() < steps) {
          String text = generate(model, corpus, prime, 200, temperature, sampling);
          String block = String.format(Locale.ROOT, "--- sample at step %d (loss %.3f) ---%n%s%n", s.step(), s.loss(), text);
          samples.append(block);
          out.print(block);
        }
      }
    });
    long start = System.nanoTime();
    History history = trainer.fit(task.chunks());
    double seconds = (System.nanoTime() - start) / 1e9;

    double bpc = bitsPerCharacter(model, split[1], Math.min(valChars, split[1].length));
    String text = generate(model, corpus, prime, length, temperature, sampling);
    String block = String.format(Locale.ROOT, "--- sample after %d steps (temperature %.2f) ---%n%s%n", history.steps().size(),
        temperature, text);
    samples.append(block);
    out.print(block);
    out.printf(Locale.ROOT, "validation: %.3f bits per character on %,d held-out characters; trained %d steps in %.0f s%n",
        bpc, Math.min(valChars, split[1].length), history.steps().size(), seconds);

    Checkpoint.save(dir.resolve("model.safetensors"), model.params(), Checkpoint.Extras.none());
    AtomicFiles.writeText(dir.resolve("model.json"), w -> w.write(new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(new Saved(model.config(), new String(corpus.vocabulary()), bpc))));
    AtomicFiles.writeText(dir.resolve("samples.txt"), w -> w.write(samples.toString()));
    Charts.lossCurve(history, "charlm (" + cell + "): training loss (nats per character)", dir.resolve("loss.png"));
    out.println("wrote " + dir.resolve("model.safetensors") + ", model.json, metrics.csv, loss.png, samples.txt");
    if (common.dump().isPresent()) {
      Graph g = Dumps.graph();
      Node loss = task.loss(g, java.util.List.of(task.chunks().get(0)), new java.util.HashMap<>());
      Dumps.write(common.dump().get(), g, loss, "h", out, "forget_gate", "input_gate", "output_gate", "update_gate", "reset_gate");
    }
    return 0;
  }

  /** What {@code model.json} holds: the architecture, the vocabulary and the validation score. */
  record Saved(CharModel.Config config, String vocabulary, double validationBitsPerCharacter) {}

  private int sampleFromCheckpoint(Path dir) throws IOException {
    Path file = checkpoint == null ? dir.resolve("model.safetensors") : checkpoint;
    Path json = file.resolveSibling("model.json");
    if (!Files.exists(file) || !Files.exists(json)) {
      throw new IllegalArgumentException("no checkpoint at " + file + " (with model.json beside it); train first: ./unfold charlm");
    }
    Saved saved = new ObjectMapper().readValue(json.toFile(), Saved.class);
    Corpus vocabulary = new Corpus("", saved.vocabulary().toCharArray());
    CharModel model = new CharModel(saved.config(), 0);
    Checkpoint.loadParameters(file, model.params());
    out.println(generate(model, vocabulary, prime, length, temperature, new Well19937c(common.seed)));
    return 0;
  }

  /** [T+1 × B] ids: stream b is the b-th consecutive piece of the text. */
  static Tensor streams(int[] ids, int batch, int length) {
    if (length < 2) {
      throw new IllegalArgumentException("the text is too short for " + batch + " streams");
    }
    double[] d = new double[length * batch];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < length; t++) {
        d[t * batch + b] = ids[b * length + t];
      }
    }
    return Tensors.of(Shape.of(length, batch), d);
  }

  /** Generates {@code n} characters after {@code prime}, sampling with a temperature. */
  static String generate(CharModel model, Corpus corpus, String prime, int n, double temperature, Well19937c rng) {
    if (prime.isEmpty()) {
      throw new IllegalArgumentException("--prime must not be empty");
    }
    Graph g = Graph.inference();
    int[] ids = corpus.encode(prime);
    State state = model.zeroState(g, 1);
    if (ids.length > 1) {
      Tensor head = Tensors.of(Shape.of(ids.length - 1, 1), java.util.Arrays.stream(ids, 0, ids.length - 1).asDoubleStream().toArray());
      state = model.forward(g, head, state).last();
    }
    Decoding.Setup setup = new Decoding.Setup(corpus.size(), ids[ids.length - 1], StopRule.predictedLengths(n), n);
    int[] generated = Decoding.sample(g, model.step(), state, setup, temperature, 0, rng).get(0).tokens();
    return prime + corpus.decode(generated);
  }

  /** Bits per character of the model on {@code ids}, scored in 16 streams with the state carried. */
  static double bitsPerCharacter(CharModel model, int[] ids, int count) {
    int streams = 16;
    int length = count / streams;
    Tensor data = streams(java.util.Arrays.copyOf(ids, length * streams), streams, length);
    double nats = 0;
    long scored = 0;
    State carried = null;
    for (TruncatedBptt.Chunk c : TruncatedBptt.chunks(length - 1, Math.min(100, length - 1))) {
      Graph g = Graph.inference();
      State init = carried == null ? model.zeroState(g, streams) : State.constants(g, carried.values());
      CharModel.Forward f = model.forward(g, data.slice(0, c.start(), c.end()), init);
      nats += Losses.softmaxCrossEntropy(g, f.logits(), data.slice(0, c.start() + 1, c.end() + 1), LossOptions.sum())
          .value().item();
      scored += (long) c.length() * streams;
      carried = f.last();
    }
    return nats / scored / Math.log(2);
  }

}
