package org.pipelinekit.artifacts;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What an artifact is stored as: its execution, pipeline, name, and optionally stage, job, retention and labels. */
public record Upload(String executionId, String pipelineId, String name, Optional<String> stageId, Optional<String> jobId,
    Optional<Duration> retention, Map<String, String> labels) {

  public Upload {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(pipelineId, "pipelineId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stageId, "stageId");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(retention, "retention");
    labels = Map.copyOf(labels);
  }

  public static Upload of(String executionId, String pipelineId, String name) {
    return new Upload(executionId, pipelineId, name, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
  }

  public Upload stage(String stageId, String jobId) {
    return new Upload(executionId, pipelineId, name, Optional.of(stageId), Optional.of(jobId), retention, labels);
  }

  /** Keeps this artifact for {@code retention} instead of the pipeline's or the default. */
  public Upload retention(Duration retention) {
    return new Upload(executionId, pipelineId, name, stageId, jobId, Optional.of(retention), labels);
  }

  public Upload label(String key, String value) {
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.put(key, value);
    return new Upload(executionId, pipelineId, name, stageId, jobId, retention, l);
  }
}
