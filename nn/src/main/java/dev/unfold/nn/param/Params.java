package dev.unfold.nn.param;

import com.google.common.base.Preconditions;
import dev.unfold.graph.Parameter;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.ShapeException;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The store of a model's named parameters, shared by the model, its optimizer and its
 * checkpoints. A {@code Params} is a view with a name prefix: {@code p.child("lstm")} creates
 * parameters named {@code …/lstm/W} in the same store, drawn from the same explicit generator.
 *
 * <p>Names are unique: creating a name twice is an error, so two layers cannot silently share a
 * weight. Parameters are kept in creation order. Not thread-safe.
 */
public final class Params {
  private final Store store;
  private final String prefix;

  private static final class Store {
    final Map<String, Parameter> byName = new LinkedHashMap<>();
    final RandomGenerator rng;

    Store(RandomGenerator rng) {
      this.rng = rng;
    }
  }

  private Params(Store store, String prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  /** A new store whose parameters are drawn from {@code rng}, with names under {@code prefix} ("" for none). */
  public static Params create(String prefix, RandomGenerator rng) {
    return new Params(new Store(rng), prefix);
  }

  /** A new store drawing from {@code Well19937c(seed)}. */
  public static Params seeded(String prefix, long seed) {
    return create(prefix, new Well19937c(seed));
  }

  /** A view whose parameter names are under {@code prefix/name}. */
  public Params child(String name) {
    Preconditions.checkArgument(!name.isEmpty() && name.indexOf('/') < 0, "child names are non-empty without '/': %s", name);
    return new Params(store, qualify(name));
  }

  /** This view's prefix, for example {@code encoder/lstm}. */
  public String prefix() {
    return prefix;
  }

  /** The generator parameters are drawn from (shared by every view of the store). */
  public RandomGenerator rng() {
    return store.rng;
  }

  private String qualify(String name) {
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** Creates the parameter {@code prefix/name} with a value from {@code init}. */
  public Parameter create(String name, Shape shape, Init init) {
    String full = qualify(name);
    if (store.byName.containsKey(full)) {
      throw new IllegalArgumentException("parameter " + full + " already exists in this store");
    }
    Tensor value = init.create(store.rng, shape);
    if (!value.shape().equals(shape)) {
      throw ShapeException.of("init of %s made shape %s, expected %s", full, value.shape(), shape);
    }
    Parameter p = new Parameter(full, value);
    store.byName.put(full, p);
    return p;
  }

  /** The parameter with this full name, if any. */
  public Optional<Parameter> find(String fullName) {
    return Optional.ofNullable(store.byName.get(fullName));
  }

  /** Every parameter of the store under this view's prefix, in creation order. */
  public List<Parameter> all() {
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : store.byName.values()) {
      if (prefix.isEmpty() || p.name().equals(prefix) || p.name().startsWith(prefix + "/")) {
        out.add(p);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Total number of scalar values under this view. */
  public long count() {
    return all().stream().mapToLong(p -> p.shape().size()).sum();
  }

  /** Zeroes the gradient of every parameter under this view. */
  public void zeroGrads() {
    all().forEach(Parameter::zeroGrad);
  }

  /** A table of every parameter's name, shape and count, and the total. */
  public String summary() {
    List<Parameter> ps = all();
    int nameWidth = Math.max(9, ps.stream().mapToInt(p -> p.name().length()).max().orElse(0));
    int shapeWidth = Math.max(5, ps.stream().mapToInt(p -> p.shape().toString().length()).max().orElse(0));
    StringBuilder sb = new StringBuilder();
    String row = "%-" + nameWidth + "s  %-" + shapeWidth + "s  %12s%n";
    sb.append(String.format(Locale.ROOT, row, "parameter", "shape", "count"));
    for (Parameter p : ps) {
      sb.append(String.format(Locale.ROOT, row, p.name(), p.shape(), String.format(Locale.ROOT, "%,d", p.shape().size())));
    }
    sb.append(String.format(Locale.ROOT, row, "total (" + ps.size() + " parameters)", "",
        String.format(Locale.ROOT, "%,d", count())));
    return sb.toString();
  }
}
