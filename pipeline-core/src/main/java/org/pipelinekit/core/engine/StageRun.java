package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.StageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run of one stage in an execution: its status, timings, outputs and jobs (one per matrix
 * cell), and {@code reusedFrom} when a re-run took it from an earlier execution.
 */
public record StageRun(
    String stageId,
    StageStatus status,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> reason,
    Map<String, String> outputs,
    List<JobRun> jobs,
    Optional<String> reusedFrom) {

  public StageRun {
    outputs = Map.copyOf(outputs);
    jobs = List.copyOf(jobs);
  }

  public Optional<Duration> duration() {
    return startedAt.flatMap(s -> finishedAt.map(f -> Duration.between(s, f)));
  }

  /** The most attempts any of its jobs took. */
  public int attempts() {
    return jobs.stream().mapToInt(JobRun::attempts).max().orElse(0);
  }

  /** The exit code of the first job that failed, else of the last job that ran. */
  public Optional<Integer> exitCode() {
    return jobs.stream().filter(j -> j.exitCode().filter(c -> c != 0).isPresent()).findFirst()
        .or(() -> jobs.stream().filter(j -> j.exitCode().isPresent()).reduce((a, b) -> b))
        .flatMap(JobRun::exitCode);
  }
}
