package org.pipelinekit.core.expr;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an expression can see while it is evaluated: named values ({@code params.target},
 * {@code stages.build.outputs.version}, {@code branch}) and the state of the upstream stages for
 * {@code success()}, {@code failure()} and {@code cancelled()}.
 */
public interface EvaluationContext {

  /** The value at {@code path}, or null when there is none. */
  @Nullable Object lookup(List<String> path);

  /** Whether every upstream stage succeeded (the default condition of a stage). */
  default boolean upstreamSucceeded() {
    return true;
  }

  /** Whether some upstream stage failed. */
  default boolean upstreamFailed() {
    return false;
  }

  /** Whether the execution was cancelled. */
  default boolean cancelled() {
    return false;
  }

  /**
   * For {@code sarif(path, level)}: how many results of a SARIF report (path in the workspace) have this level ({@code
   * error}, {@code warning}, {@code note}; a result without one is a warning, as SARIF says), or at that level and above
   * for {@code warning+} / {@code note+}.
   */
  default long sarif(String path, String level) {
    throw new UnsupportedOperationException("sarif() needs a workspace; it is evaluated while a stage runs");
  }

  /** A digest of the files matching the glob patterns, for {@code hashFiles(...)}. */
  default String hashFiles(List<String> patterns) {
    throw new UnsupportedOperationException("hashFiles() needs a workspace; it is evaluated while a stage runs");
  }

  /** A context over nested maps: {@code of(Map.of("params", Map.of("target", "prod")))}. */
  static EvaluationContext of(Map<String, ?> root) {
    return path -> {
      Object current = root;
      for (String segment : path) {
        if (!(current instanceof Map<?, ?> map)) return null;
        current = map.get(segment);
        if (current == null) return null;
      }
      return current;
    };
  }
}
