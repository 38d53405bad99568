package org.pipelinekit.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipelinekit.core.model.Matrix;

/** Expands a {@link Matrix} into its cells. */
public final class Matrices {
  private Matrices() {}

  /** How many jobs one stage's matrix may make unless the host says otherwise. */
  public static final int DEFAULT_MAX_COMBINATIONS = 256;

  /**
   * The cells of a matrix, as GitHub Actions documents them: the cartesian product of the axes (the last axis
   * varying fastest), minus the combinations matching every key of an {@code exclude} entry; then each
   * {@code include} entry is added to every one of those original combinations whose axis values it does not
   * change (values an earlier include added may be overwritten), and becomes a combination of its own, after the
   * originals, when it fits none. Include entries never extend each other, so a matrix of includes only has one
   * job per entry, and two entries for one combination that add different values are two jobs. An entry given twice
   * is one job (a job is named by its values).
   *
   * @param limit refuse (IllegalArgumentException) to expand more combinations than this
   */
  public static List<MatrixCell> expand(Matrix matrix, long limit) {
    long product = matrix.axisCombinations();
    if (product > limit) {
      throw new IllegalArgumentException("matrix has " + product + " combinations, more than the limit of " + limit);
    }
    List<Map<String, String>> originals = new ArrayList<>();
    if (!matrix.axes().isEmpty() && product > 0) {
      originals.add(new LinkedHashMap<>());
      for (Map.Entry<String, List<String>> axis : matrix.axes().entrySet()) {
        List<Map<String, String>> next = new ArrayList<>(originals.size() * axis.getValue().size());
        for (Map<String, String> cell : originals) {
          for (String v : axis.getValue()) {
            Map<String, String> c = new LinkedHashMap<>(cell);
            c.put(axis.getKey(), v);
            next.add(c);
          }
        }
        originals = next;
      }
    }
    originals.removeIf(cell -> matrix.exclude().stream().anyMatch(ex -> matches(cell, ex)));
    List<Map<String, String>> added = new ArrayList<>();
    for (Map<String, String> inc : matrix.include()) {
      boolean extended = false;
      for (Map<String, String> cell : originals) {
        if (keepsAxisValues(cell, inc, matrix)) {
          cell.putAll(inc);
          extended = true;
        }
      }
      if (!extended) {
        Map<String, String> cell = new LinkedHashMap<>();
        for (String axis : matrix.axes().keySet()) {
          if (inc.containsKey(axis)) cell.put(axis, inc.get(axis));
        }
        inc.forEach(cell::putIfAbsent); // axis keys first, in axis order, so job ids read alike
        if (added.contains(cell)) continue; // the same entry twice is one job: a job's id is its values
        added.add(cell);
        if (originals.size() + added.size() > limit) {
          throw new IllegalArgumentException("matrix has more than " + limit + " combinations");
        }
      }
    }
    List<MatrixCell> cells = new ArrayList<>(originals.size() + added.size());
    originals.forEach(c -> cells.add(new MatrixCell(c)));
    added.forEach(c -> cells.add(new MatrixCell(c)));
    return List.copyOf(cells);
  }

  /** Above this many axis combinations, {@link #count} reports the product instead of expanding. */
  static final long COUNT_EXPANSION_LIMIT = 100_000;

  /**
   * How many cells {@link #expand} makes. Exact up to {@value #COUNT_EXPANSION_LIMIT} axis
   * combinations; beyond that, the plain product of the axes (excludes are not subtracted).
   */
  public static long count(Matrix matrix) {
    long product = matrix.axisCombinations();
    if (product > COUNT_EXPANSION_LIMIT) return product;
    return expand(matrix, product + matrix.include().size()).size();
  }

  private static boolean matches(Map<String, String> cell, Map<String, String> entry) {
    for (Map.Entry<String, String> e : entry.entrySet()) {
      if (!e.getValue().equals(cell.get(e.getKey()))) return false;
    }
    return true;
  }

  private static boolean keepsAxisValues(Map<String, String> cell, Map<String, String> inc, Matrix matrix) {
    for (Map.Entry<String, String> e : inc.entrySet()) {
      if (matrix.axes().containsKey(e.getKey()) && !e.getValue().equals(cell.get(e.getKey()))) return false;
    }
    return true;
  }
}
