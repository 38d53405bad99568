package org.pipelinekit.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a stage once per combination of axis values. {@code exclude} removes combinations that
 * match every key of an entry; {@code include} extends the axis combinations whose values it keeps with
 * its extra keys, or adds itself as a new combination when it fits none, so a matrix of includes only runs
 * one job per entry (GitHub Actions' semantics; see {@code Matrices.expand}).
 * {@code failFast} cancels running siblings when one cell fails; {@code maxParallel} caps how many
 * cells run at once.
 */
public record Matrix(
    Map<String, List<String>> axes,
    List<Map<String, String>> include,
    List<Map<String, String>> exclude,
    boolean failFast,
    Optional<Integer> maxParallel) {

  public Matrix {
    Checks.notNull(axes, "matrix axes");
    Map<String, List<String>> axesCopy = new LinkedHashMap<>();
    axes.forEach((k, v) -> axesCopy.put(Checks.notBlank(k, "matrix axis name"),
        Checks.list(Checks.notNull(v, "matrix axis " + k), "matrix axis " + k)));
    axes = Collections.unmodifiableMap(axesCopy);
    include = copyEntries(include, "matrix include");
    exclude = copyEntries(exclude, "matrix exclude");
    Checks.optional(maxParallel, "matrix maxParallel").ifPresent(n -> {
      if (n < 1) throw new IllegalArgumentException("matrix maxParallel must be 1 or more, got " + n);
    });
  }

  private static List<Map<String, String>> copyEntries(List<Map<String, String>> entries, String what) {
    Checks.notNull(entries, what);
    List<Map<String, String>> copy = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      copy.add(Checks.orderedMap(Checks.notNull(entries.get(i), what + "[" + i + "]"), what + "[" + i + "]"));
    }
    return Collections.unmodifiableList(copy);
  }

  /** The number of combinations of the axes alone, before include and exclude; saturates at Long.MAX_VALUE. */
  public long axisCombinations() {
    long n = 1;
    for (List<String> values : axes.values()) {
      if (values.isEmpty()) return 0;
      n = values.size() > Long.MAX_VALUE / n ? Long.MAX_VALUE : n * values.size();
    }
    return n;
  }

  /** Configures a matrix: {@code matrix(m -> m.axis("jdk", "17", "21").failFast(false))}. */
  public static final class Builder {
    private final Map<String, List<String>> axes = new LinkedHashMap<>();
    private final List<Map<String, String>> include = new ArrayList<>();
    private final List<Map<String, String>> exclude = new ArrayList<>();
    private boolean failFast = true;
    private Optional<Integer> maxParallel = Optional.empty();

    public Builder() {}

    public Builder(Matrix from) {
      axes.putAll(from.axes);
      include.addAll(from.include);
      exclude.addAll(from.exclude);
      failFast = from.failFast;
      maxParallel = from.maxParallel;
    }

    public Builder axis(String name, String... values) {
      return axis(name, List.of(values));
    }

    public Builder axis(String name, List<String> values) {
      Checks.notBlank(name, "matrix axis name");
      if (values.isEmpty()) {
        throw new IllegalArgumentException("matrix axis '" + name + "' needs at least one value");
      }
      axes.put(name, Checks.list(values, "matrix axis " + name));
      return this;
    }

    public Builder include(Map<String, String> entry) {
      include.add(Checks.orderedMap(entry, "matrix include"));
      return this;
    }

    public Builder exclude(Map<String, String> entry) {
      exclude.add(Checks.orderedMap(entry, "matrix exclude"));
      return this;
    }

    public Builder failFast(boolean failFast) {
      this.failFast = failFast;
      return this;
    }

    public Builder maxParallel(int maxParallel) {
      if (maxParallel < 1) {
        throw new IllegalArgumentException("matrix maxParallel must be 1 or more, got " + maxParallel);
      }
      this.maxParallel = Optional.of(maxParallel);
      return this;
    }

    public Matrix build() {
      if (axes.isEmpty() && include.isEmpty()) {
        throw new IllegalArgumentException("a matrix needs at least one axis or include entry");
      }
      return new Matrix(axes, include, exclude, failFast, maxParallel);
    }
  }
}
