package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.ExecutionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An execution as it stands after the event numbered {@code sequence}. Immutable. */
public record ExecutionSnapshot(
    ExecutionHeader header,
    ExecutionStatus status,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> reason,
    Map<String, StageRun> stages,
    long sequence) {

  public ExecutionSnapshot {
    stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  public String id() {
    return header.id();
  }

  public StageRun stage(String stageId) {
    StageRun s = stages.get(stageId);
    if (s == null) {
      throw new IllegalArgumentException("execution " + id() + " has no stage '" + stageId + "'; its stages are " + stages.keySet());
    }
    return s;
  }

  public Optional<Duration> duration() {
    return startedAt.flatMap(s -> finishedAt.map(f -> Duration.between(s, f)));
  }
}
