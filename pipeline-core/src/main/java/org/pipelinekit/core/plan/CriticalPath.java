package org.pipelinekit.core.plan;

import java.time.Duration;
import java.util.List;

/** The chain of stages that bounds how fast an execution can finish, and its estimated length. */
public record CriticalPath(List<String> stageIds, Duration duration) {
  public CriticalPath {
    stageIds = List.copyOf(stageIds);
  }
}
