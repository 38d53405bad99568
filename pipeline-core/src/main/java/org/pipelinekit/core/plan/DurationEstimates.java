package org.pipelinekit.core.plan;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** How long a stage usually takes, from the execution history; feeds the critical path. */
@FunctionalInterface
public interface DurationEstimates {
  Optional<Duration> estimate(String pipelineId, String stageId);

  static DurationEstimates none() {
    return (pipelineId, stageId) -> Optional.empty();
  }

  /** Fixed estimates by stage id, for any pipeline. */
  static DurationEstimates of(Map<String, Duration> byStage) {
    Map<String, Duration> copy = Map.copyOf(byStage);
    return (pipelineId, stageId) -> Optional.ofNullable(copy.get(stageId));
  }
}
