package dev.unfold.examples.charlm;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.nn.cell.ElmanCell;
import dev.unfold.nn.cell.GruCell;
import dev.unfold.nn.cell.LstmCell;
import dev.unfold.nn.cell.RecurrentCell;
import dev.unfold.nn.cell.State;
import dev.unfold.nn.layer.Embedding;
import dev.unfold.nn.layer.Linear;
import dev.unfold.nn.param.Params;
import dev.unfold.nn.seq.Unrolled;
import dev.unfold.nn.seq.Unroller;
import dev.unfold.nn.seq2seq.TeacherForcing;
import dev.unfold.tensor.Tensor;
import java.util.Locale;

/** Embedding → recurrent cell → linear head over the vocabulary: a character language model. */
public final class CharModel {
  /** The architecture, saved beside the checkpoint so that sampling rebuilds the same model. */
  public record Config(String cell, int vocabulary, int embed, int hidden) {}

  private final Config config;
  private final Params params;
  private final Embedding embedding;
  private final RecurrentCell cell;
  private final Linear head;

  public CharModel(Config config, long seed) {
    this.config = config;
    this.params = Params.seeded("charlm", seed);
    this.embedding = new Embedding(params.child("embedding"), config.vocabulary(), config.embed());
    Params c = params.child(config.cell());
    this.cell = switch (config.cell().toLowerCase(Locale.ROOT)) {
      case "lstm" -> new LstmCell(c, config.embed(), config.hidden(), LstmCell.Options.defaults().withForgetBias(1));
      case "gru" -> new GruCell(c, config.embed(), config.hidden());
      case "rnn" -> new ElmanCell(c, config.embed(), config.hidden());
      case "mgu" -> new MinimalGatedUnit(c, config.embed(), config.hidden());
      default -> throw new IllegalArgumentException("--cell must be rnn, gru, lstm or mgu (the custom cell), got " + config.cell());
    };
    this.head = new Linear(params.child("head"), config.hidden(), config.vocabulary());
  }

  public Config config() {
    return config;
  }

  public Params params() {
    return params;
  }

  public RecurrentCell cell() {
    return cell;
  }

  /** Logits [k×B×V] for character ids [k×B] from {@code initial}, and the state after the last step. */
  public record Forward(Node logits, State last) {}

  public Forward forward(Graph g, Tensor ids, State initial) {
    Node x = embedding.apply(g, g.constant("chars", ids));
    Unrolled u = Unroller.unroll(g, cell, x, initial);
    return new Forward(head.apply(g, u.outputs()).named("logits"), u.last());
  }

  public State zeroState(Graph g, int batch) {
    return State.zeros(g, cell, batch);
  }

  /** One generation step: reads the previous character as a one-hot [B×V], returns logits [B×V]. */
  public TeacherForcing.Step step() {
    return (g, t, previous, state) -> {
      Node x = previous.matmul(g.param(embedding.table()));
      State next = cell.step(g, x, state);
      return new TeacherForcing.Output(head.apply(g, next.h()), next);
    };
  }
}
