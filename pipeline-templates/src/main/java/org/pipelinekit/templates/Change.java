package org.pipelinekit.templates;

import java.util.Objects;

/** One difference between two pipelines at a path such as {@code stages.build.with.goals}. */
public record Change(String path, Kind kind, Object before, Object after) {
  public enum Kind {
    ADDED,
    REMOVED,
    CHANGED
  }

  public Change {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ADDED -> "+ " + path + ": " + after;
      case REMOVED -> "- " + path + ": " + before;
      case CHANGED -> "~ " + path + ": " + before + " → " + after;
    };
  }
}
