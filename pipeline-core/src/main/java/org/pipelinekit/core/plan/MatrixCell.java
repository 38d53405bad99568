package org.pipelinekit.core.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One combination of a stage's matrix: the values it runs with, read as {@code ${{ matrix.<axis> }}}.
 * A stage without a matrix has one cell with no values.
 */
public record MatrixCell(Map<String, String> values) {
  public static final MatrixCell NONE = new MatrixCell(Map.of());

  public MatrixCell {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** {@code jdk=17, os=linux}; empty for the single cell of a stage without a matrix. */
  public String label() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return sb.toString();
  }

  /** A job id for this cell of a stage: {@code test} or {@code test[jdk=17, os=linux]}. */
  public String jobId(String stageId) {
    return values.isEmpty() ? stageId : stageId + "[" + label() + "]";
  }
}
