package org.pipelinekit.core.environment;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One deployment to an environment: the stage of the execution that targeted it, how it ended, the commit and branch it
 * deployed, who approved it, when it ended, the environment's URL if the stage gave one, and the version it deployed: the
 * {@code version} output of the stage, else of the first stage of the run that wrote one.
 */
public record Deployment(String environment, String pipelineId, String executionId, String stageId, String status, Optional<String> commit,
    Optional<String> branch, List<String> approvedBy, Instant time, Optional<String> url, Optional<String> version) {
  public Deployment(String environment, String pipelineId, String executionId, String stageId, String status, Optional<String> commit,
      Optional<String> branch, List<String> approvedBy, Instant time, Optional<String> url) {
    this(environment, pipelineId, executionId, stageId, status, commit, branch, approvedBy, time, url, Optional.empty());
  }

  public Deployment {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(pipelineId, "pipelineId");
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(stageId, "stageId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(branch, "branch");
    approvedBy = List.copyOf(approvedBy);
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(version, "version");
  }

  /** Whether it deployed (the stage succeeded). */
  public boolean deployed() {
    return status.equals("SUCCEEDED");
  }
}
