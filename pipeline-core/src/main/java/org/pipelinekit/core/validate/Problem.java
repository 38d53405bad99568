package org.pipelinekit.core.validate;

import java.util.Objects;

/**
 * One thing wrong with a pipeline: where ({@code path}, such as {@code stages.deploy.needs[0]}),
 * what ({@code message}) and what to change ({@code hint}, possibly empty). Messages never hold
 * secret values.
 */
public record Problem(ProblemCode code, Severity severity, String path, String message, String hint) {
  public Problem {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hint, "hint");
  }

  public static Problem of(ProblemCode code, String path, String message, String hint) {
    return new Problem(code, code.severity(), path, message, hint);
  }

  /** The id of the stage the path is under ({@code stages.<id>...}), so the designer can mark the node. */
  public java.util.Optional<String> stageId() {
    if (!path.startsWith("stages.")) return java.util.Optional.empty();
    int end = path.length();
    for (int i = 7; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.' || c == '[') {
        end = i;
        break;
      }
    }
    return java.util.Optional.of(path.substring(7, end));
  }

  @Override
  public String toString() {
    return severity + " " + code + " at " + path + ": " + message + (hint.isEmpty() ? "" : " (" + hint + ")");
  }
}
