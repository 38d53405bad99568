package org.pipelinekit.core.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that happens to an execution, numbered by {@code sequence} (from 1, gapless, in the
 * order listeners receive them). All but {@link LogAppended} are kept in the execution's journal,
 * which is what a restarted host rebuilds the execution from.
 */
public sealed interface ExecutionEvent {
  String executionId();

  long sequence();

  Instant time();

  /** Queued, waiting for its concurrency group or a slot. */
  record ExecutionQueued(String executionId, long sequence, Instant time, Optional<String> concurrencyGroup) implements ExecutionEvent {}

  record ExecutionStarted(String executionId, long sequence, Instant time) implements ExecutionEvent {}

  /** A stage whose outputs were taken from an earlier execution when this one re-runs it from a later stage. */
  record StageReused(String executionId, long sequence, Instant time, String stageId, String fromExecutionId,
      StageStatus status, Map<String, String> outputs) implements ExecutionEvent {}

  /**
   * The jobs of {@code stageId} generated stages that join this execution ({@code stageIds}, in order; {@code fragment}:
   * their definitions as YAML, {@code stages:} and the list): they run once their needs have, and the stages that
   * need {@code stageId} wait for them too.
   */
  record StagesAdded(String executionId, long sequence, Instant time, String stageId, List<String> stageIds, String fragment)
      implements ExecutionEvent {
    public StagesAdded {
      stageIds = List.copyOf(stageIds);
    }
  }

  record ApprovalRequested(String executionId, long sequence, Instant time, String stageId, List<String> approvers,
      Optional<Instant> deadline) implements ExecutionEvent {}

  /** An approver approved ({@code approved}) or rejected the stage. */
  record ApprovalDecided(String executionId, long sequence, Instant time, String stageId, String principal, boolean approved,
      Optional<String> comment) implements ExecutionEvent {}

  record StageStarted(String executionId, long sequence, Instant time, String stageId) implements ExecutionEvent {}

  /** One matrix job (or the only job) of a stage starts an attempt. */
  record JobStarted(String executionId, long sequence, Instant time, String stageId, String jobId, Map<String, String> matrix,
      int attempt) implements ExecutionEvent {}

  /**
   * A step's process or container is up: {@code startup} runs from the runner beginning to start it
   * to the step's first output (see {@code StepOutput.started}). {@code step} counts from 1.
   */
  record StepStarted(String executionId, long sequence, Instant time, String stageId, String jobId, int attempt, int step,
      String runner, Duration startup) implements ExecutionEvent {}

  /**
   * A stage's cache was used: {@code action} is {@code hit} (the exact key), {@code partial-hit} (a
   * prefix or restore key; {@code matchedKey} says which entry), {@code miss}, {@code saved} or
   * {@code not-saved} (the key existed, or the save failed); {@code bytes} is the archive's size.
   */
  record CacheUsed(String executionId, long sequence, Instant time, String stageId, String jobId, String action, String key,
      Optional<String> matchedKey, long bytes, Duration took) implements ExecutionEvent {}

  /** A stage's artifact was stored (by pipeline-artifacts' interceptor): where to get it, how big, its digest. */
  record ArtifactStored(String executionId, long sequence, Instant time, String stageId, String jobId, String name,
      String artifactId, long size, String digest, String url) implements ExecutionEvent {}

  /**
   * A job attempt failed and will be tried again after {@code delay}; {@code outputs} are what the failed attempt's steps
   * wrote (its {@code failed_tests}, for instance: what a retry that passes shows to be flaky).
   */
  record JobRetrying(String executionId, long sequence, Instant time, String stageId, String jobId, int attempt,
      Duration delay, String reason, Map<String, String> outputs) implements ExecutionEvent {
    public JobRetrying {
      outputs = Map.copyOf(outputs);
    }

    public JobRetrying(String executionId, long sequence, Instant time, String stageId, String jobId, int attempt, Duration delay,
        String reason) {
      this(executionId, sequence, time, stageId, jobId, attempt, delay, reason, Map.of());
    }
  }

  record JobFinished(String executionId, long sequence, Instant time, String stageId, String jobId, int attempt,
      StageStatus status, Optional<Integer> exitCode, Optional<String> reason, Map<String, String> outputs) implements ExecutionEvent {}

  record StageFinished(String executionId, long sequence, Instant time, String stageId, StageStatus status,
      Optional<String> reason, Map<String, String> outputs) implements ExecutionEvent {}

  /** A line of output; not journaled (the log store keeps it). */
  record LogAppended(String executionId, long sequence, Instant time, LogLine line) implements ExecutionEvent {}

  record CancelRequested(String executionId, long sequence, Instant time, String reason) implements ExecutionEvent {}

  record ExecutionFinished(String executionId, long sequence, Instant time, ExecutionStatus status,
      Optional<String> reason) implements ExecutionEvent {}
}
