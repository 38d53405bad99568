package org.pipelinekit.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipelinekit.core.model.Matrix;

/** Expands a {@link Matrix} into its cells. */
public final class Matrices {
  private Matrices() {}

  /**
   * The cells of a matrix, axes varying rightmost-fastest: the cartesian product of the axes, minus
   * the combinations matching an {@code exclude} entry, then each {@code include} entry merged into
   * every combination whose original axis values it does not overwrite (keys added by an earlier
   * include may be overwritten) or, when there is no such combination, appended as a new one. These
   * are GitHub Actions' rules, so imported workflows keep their meaning.
   *
   * @param limit refuse (IllegalArgumentException) to expand more combinations than this
   */
  /** How many jobs one stage's matrix may make unless the host says otherwise. */
  public static final int DEFAULT_MAX_COMBINATIONS = 256;

  public static List<MatrixCell> expand(Matrix matrix, long limit) {
    long product = matrix.axisCombinations();
    if (product > limit) {
      throw new IllegalArgumentException("matrix has " + product + " combinations, more than the limit of " + limit);
    }
    List<Map<String, String>> cells = new ArrayList<>();
    if (!matrix.axes().isEmpty() && product > 0) {
      cells.add(new LinkedHashMap<>());
      for (Map.Entry<String, List<String>> axis : matrix.axes().entrySet()) {
        List<Map<String, String>> next = new ArrayList<>(cells.size() * axis.getValue().size());
        for (Map<String, String> cell : cells) {
          for (String v : axis.getValue()) {
            Map<String, String> c = new LinkedHashMap<>(cell);
            c.put(axis.getKey(), v);
            next.add(c);
          }
        }
        cells = next;
      }
    }
    cells.removeIf(cell -> matrix.exclude().stream().anyMatch(ex -> matches(cell, ex)));
    for (Map<String, String> inc : matrix.include()) {
      boolean extended = false;
      for (Map<String, String> cell : cells) {
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
        cells.add(cell);
      }
      if (cells.size() > limit) {
        throw new IllegalArgumentException("matrix has more than " + limit + " combinations");
      }
    }
    return cells.stream().map(MatrixCell::new).toList();
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
