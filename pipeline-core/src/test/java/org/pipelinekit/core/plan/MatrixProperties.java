package org.pipelinekit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.model.Matrix;

/**
 * Matrix expansion against an oracle written from GitHub's documentation, sentence by sentence, for small random
 * matrices whose axes, excludes and includes share keys and values (so that includes match, extend, overwrite and
 * fall through).
 */
class MatrixProperties {
  private static final List<String> KEYS = List.of("os", "jdk", "arch", "color");
  private static final List<String> VALUES = List.of("a", "b", "c");

  @Provide
  Arbitrary<Matrix> matrices() {
    Arbitrary<Map<String, List<String>>> axes = Arbitraries.subsetOf(KEYS.subList(0, 3)).flatMap(keys -> {
      List<String> ordered = KEYS.stream().filter(keys::contains).toList();
      return Arbitraries.subsetOf(VALUES).ofMinSize(1).map(v -> v.stream().sorted().toList()).list().ofSize(ordered.size()).map(values -> {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < ordered.size(); i++) m.put(ordered.get(i), values.get(i));
        return m;
      });
    });
    Arbitrary<Map<String, String>> entry = Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.of(VALUES)).ofMinSize(1).ofMaxSize(3)
        .map(LinkedHashMap::new);
    return Combinators.combine(axes, entry.list().ofMaxSize(2), entry.list().ofMaxSize(4))
        .as((a, exclude, include) -> new Matrix(a, include, exclude, true, java.util.Optional.empty()))
        .filter(m -> !m.axes().isEmpty() || !m.include().isEmpty());
  }

  @Property(tries = 500)
  void expansionIsWhatGithubDocuments(@ForAll("matrices") Matrix m) {
    List<Map<String, String>> expected = oracle(m);
    List<Map<String, String>> actual = Matrices.expand(m, 10_000).stream().map(MatrixCell::values).toList();
    assertThat(actual).isEqualTo(expected);
    assertThat(Matrices.count(m)).isEqualTo(expected.size());
  }

  /**
   * "A job will run for each possible combination of the variables" (the last variable varying fastest). "An excluded
   * configuration only has to be a partial match for it to be excluded." "All include combinations are processed
   * after exclude." "For each object in the include list, the key:value pairs in the object will be added to each of
   * the matrix combinations if none of the key:value pairs overwrite any of the original matrix values. If the object
   * cannot be added to any of the matrix combinations, a new matrix combination will be created instead. Note that the
   * original matrix values will not be overwritten, but added matrix values can be overwritten."
   */
  static List<Map<String, String>> oracle(Matrix m) {
    List<Map<String, String>> combinations = List.of(Map.of());
    for (var axis : m.axes().entrySet()) {
      combinations = combinations.stream().flatMap(c -> axis.getValue().stream().map(v -> {
        Map<String, String> next = new LinkedHashMap<>(c);
        next.put(axis.getKey(), v);
        return next;
      })).collect(Collectors.toList());
    }
    if (m.axes().isEmpty()) combinations = List.of();
    List<Map<String, String>> originals = combinations.stream()
        .filter(c -> m.exclude().stream().noneMatch(ex -> ex.entrySet().stream().allMatch(e -> e.getValue().equals(c.get(e.getKey())))))
        .map(LinkedHashMap::new).collect(Collectors.toList());
    Set<String> originalKeys = m.axes().keySet();
    List<Map<String, String>> created = new ArrayList<>();
    for (Map<String, String> object : m.include()) {
      boolean addedSomewhere = false;
      for (Map<String, String> combination : originals) {
        boolean overwritesAnOriginal = object.entrySet().stream()
            .anyMatch(e -> originalKeys.contains(e.getKey()) && !e.getValue().equals(combination.get(e.getKey())));
        if (!overwritesAnOriginal) {
          combination.putAll(object);
          addedSomewhere = true;
        }
      }
      if (!addedSomewhere && !created.contains(object)) created.add(new LinkedHashMap<>(object)); // ours: a job is named by its values, so a repeated entry is one job
    }
    List<Map<String, String>> all = new ArrayList<>(originals);
    all.addAll(created);
    return all;
  }
}
