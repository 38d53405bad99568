package org.pipelinekit.core.run;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.model.Pipeline;

/**
 * What an execution was asked to run, fixed when it is created: the pipeline as it was then, the
 * trigger, the parameter values (defaults filled in), its number among the pipeline's executions
 * and, for a re-run, the execution and stage it re-runs from.
 */
public record ExecutionHeader(
    String id,
    long number,
    Pipeline pipeline,
    ExecutionTrigger trigger,
    Map<String, Object> parameters,
    Instant createdAt,
    Optional<String> rerunOf,
    Optional<String> rerunFrom) {

  public ExecutionHeader {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(trigger, "trigger");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(rerunOf, "rerunOf");
    Objects.requireNonNull(rerunFrom, "rerunFrom");
  }

  public String pipelineId() {
    return pipeline.id();
  }
}
