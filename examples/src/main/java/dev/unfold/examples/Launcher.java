package dev.unfold.examples;

import dev.unfold.examples.charlm.CharLm;
import dev.unfold.examples.classify.Classify;
import dev.unfold.examples.seq2seq.DateConverter;
import dev.unfold.examples.tagger.Tagger;
import dev.unfold.examples.textbook.Textbook;
import dev.unfold.examples.demo.FitDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ./unfold} command: one subcommand per runnable example. */
@Command(name = "unfold", mixinStandardHelpOptions = true, version = "unfold 0.1.0-SNAPSHOT",
    description = "Runnable Unfold models. Every example takes --steps N, --seed S, --out DIR and --dump DIR.",
    subcommands = {CharLm.class, Tagger.class, Classify.class, DateConverter.class, Textbook.class,
        Launcher.Demo.class})
public final class Launcher implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Launcher()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code ./unfold demo}: the engine fitting a small RNN by gradient descent. */
  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Fit a small Elman RNN to the sum of a random sequence and print the falling loss.")
  static final class Demo implements Callable<Integer> {
    @Option(names = "--steps", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps = FitDemo.Settings.defaults().steps();

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = FitDemo.Settings.defaults().seed();

    @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = FitDemo.Settings.defaults().learningRate();

    @Override
    public Integer call() {
      FitDemo.Settings d = FitDemo.Settings.defaults();
      new FitDemo(new FitDemo.Settings(steps, seed, learningRate, d.hidden(), d.length(), d.batch(), d.printEvery()))
          .run(System.out);
      return 0;
    }
  }
}
