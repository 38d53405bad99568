package org.pipelinekit.core.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalDecided;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionEvent.ArtifactStored;
import org.pipelinekit.core.run.ExecutionEvent.CacheUsed;
import org.pipelinekit.core.run.ExecutionEvent.CancelRequested;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionQueued;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionStarted;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageReused;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.run.ExecutionEvent.StepStarted;

/**
 * Events as the REST and SSE API sends them: version {@value #VERSION} of a contract of its own, separate from the
 * journal's on-disk form (which may change with a store migration while clients keep this one). Every event has
 * {@code apiVersion}, {@code type}, {@code execution}, {@code seq} and {@code time} (ISO-8601), then its fields:
 * ids as {@code stage}/{@code job}, statuses by name, durations in milliseconds ({@code …Millis}); a field with no
 * value is left out. Written by hand, so renaming a Java field never changes what clients read.
 */
public final class ExecutionEvents {
  public static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExecutionEvents() {}

  public static String json(ExecutionEvent event) {
    ObjectNode n = JSON.createObjectNode();
    n.put("apiVersion", VERSION);
    n.put("type", event.getClass().getSimpleName());
    n.put("execution", event.executionId());
    n.put("seq", event.sequence());
    n.put("time", event.time().toString());
    fields(event, n);
    return n.toString();
  }

  private static void fields(ExecutionEvent event, ObjectNode n) {
    if (event instanceof ExecutionQueued e) {
      optional(n, "concurrencyGroup", e.concurrencyGroup());
    } else if (event instanceof ExecutionStarted) {
      return;
    } else if (event instanceof StageReused e) {
      n.put("stage", e.stageId()).put("reusedFrom", e.fromExecutionId()).put("status", e.status().name());
      map(n, "outputs", e.outputs());
    } else if (event instanceof ExecutionEvent.StagesAdded e) {
      n.put("stage", e.stageId());
      e.stageIds().forEach(n.putArray("stages")::add);
      n.put("fragment", e.fragment());
      try { // the stages as in a pipeline document (JSON), for a view that draws them
        com.fasterxml.jackson.databind.JsonNode doc = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(e.fragment());
        if (doc != null && doc.path("stages").isArray()) n.set("definitions", doc.get("stages"));
      } catch (java.io.IOException unreadable) {
        // (the engine wrote it; only a store edited by hand gets here) the ids alone say which stages were added
      }
    } else if (event instanceof ApprovalRequested e) {
      n.put("stage", e.stageId());
      e.approvers().forEach(n.putArray("approvers")::add);
      optional(n, "deadline", e.deadline().map(Object::toString));
    } else if (event instanceof ApprovalDecided e) {
      n.put("stage", e.stageId()).put("by", e.principal()).put("approved", e.approved());
      optional(n, "comment", e.comment());
    } else if (event instanceof StageStarted e) {
      n.put("stage", e.stageId());
    } else if (event instanceof JobStarted e) {
      job(n, e.stageId(), e.jobId(), e.attempt());
      map(n, "matrix", e.matrix());
    } else if (event instanceof StepStarted e) {
      job(n, e.stageId(), e.jobId(), e.attempt()).put("step", e.step()).put("runner", e.runner()).put("startupMillis", e.startup().toMillis());
    } else if (event instanceof CacheUsed e) {
      n.put("stage", e.stageId()).put("job", e.jobId()).put("action", e.action()).put("key", e.key());
      optional(n, "matchedKey", e.matchedKey());
      n.put("bytes", e.bytes()).put("tookMillis", e.took().toMillis());
    } else if (event instanceof ArtifactStored e) {
      n.put("stage", e.stageId()).put("job", e.jobId()).put("name", e.name()).put("artifact", e.artifactId())
          .put("size", e.size()).put("digest", e.digest()).put("url", e.url());
    } else if (event instanceof JobRetrying e) {
      job(n, e.stageId(), e.jobId(), e.attempt()).put("delayMillis", e.delay().toMillis()).put("reason", e.reason());
      if (!e.outputs().isEmpty()) map(n, "outputs", e.outputs());
    } else if (event instanceof JobFinished e) {
      job(n, e.stageId(), e.jobId(), e.attempt()).put("status", e.status().name());
      e.exitCode().ifPresent(c -> n.put("exitCode", c));
      optional(n, "reason", e.reason());
      map(n, "outputs", e.outputs());
    } else if (event instanceof StageFinished e) {
      n.put("stage", e.stageId()).put("status", e.status().name());
      optional(n, "reason", e.reason());
      map(n, "outputs", e.outputs());
    } else if (event instanceof LogAppended e) {
      job(n, e.line().stageId(), e.line().jobId(), e.line().attempt()).put("line", e.line().number()).put("text", e.line().text());
    } else if (event instanceof CancelRequested e) {
      n.put("reason", e.reason());
    } else if (event instanceof ExecutionFinished e) {
      n.put("status", e.status().name());
      optional(n, "reason", e.reason());
    } else {
      throw new IllegalArgumentException("no API form for " + event.getClass().getName()); // a new event type needs one here
    }
  }

  private static ObjectNode job(ObjectNode n, String stage, String job, int attempt) {
    return n.put("stage", stage).put("job", job).put("attempt", attempt);
  }

  private static void optional(ObjectNode n, String field, Optional<String> value) {
    value.ifPresent(v -> n.put(field, v));
  }

  private static void map(ObjectNode n, String field, Map<String, String> values) {
    ObjectNode m = n.putObject(field);
    values.forEach(m::put);
  }
}
