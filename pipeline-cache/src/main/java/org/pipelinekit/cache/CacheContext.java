package org.pipelinekit.cache;

import java.util.Objects;
import java.util.Optional;

/** Whose cache: the project (PipelineKit uses the pipeline id) and the branch of the run, if any. */
public record CacheContext(String project, Optional<String> branch) {
  public CacheContext {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(branch, "branch");
  }

  public static CacheContext of(String project, String branch) {
    return new CacheContext(project, Optional.ofNullable(branch));
  }
}
