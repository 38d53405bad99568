package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.StageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One matrix job of a stage run (a stage without a matrix has one, whose id is the stage id). */
public record JobRun(
    String jobId,
    Map<String, String> matrix,
    StageStatus status,
    int attempts,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<Integer> exitCode,
    Optional<String> reason,
    Map<String, String> outputs) {

  public JobRun {
    matrix = Map.copyOf(matrix);
    outputs = Map.copyOf(outputs);
  }

  public Optional<Duration> duration() {
    return startedAt.flatMap(s -> finishedAt.map(f -> Duration.between(s, f)));
  }
}
