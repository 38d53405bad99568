package org.pipelinekit.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalDecided;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionEvent.CancelRequested;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionQueued;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionStarted;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.StepStarted;
import org.pipelinekit.core.run.ExecutionEvent.CacheUsed;
import org.pipelinekit.core.run.ExecutionEvent.ArtifactStored;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageReused;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.run.ExecutionEvent.StagesAdded;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.format.PipelineFormat;

/**
 * The explicit, versioned JSON form of execution headers and journal events, for every {@code ExecutionStore}
 * that keeps them as text (the file store one per line, pipeline-jdbc one per row). Each carries {@code "v": 1}
 * and a {@code "type"} naming the event. Written by hand rather than by reflection, so renaming a Java field can
 * never change what is stored. The API's event JSON is another contract ({@code engine.ExecutionEvents}).
 */
public final class JournalCodec {
  public static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private JournalCodec() {}

  public static String header(ExecutionHeader h) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("id", h.id());
    n.put("number", h.number());
    try {
      n.set("pipeline", JSON.readTree(PipelineFormat.JSON.write(h.pipeline())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode t = n.putObject("trigger");
    t.put("kind", h.trigger().kind());
    h.trigger().branch().ifPresent(v -> t.put("branch", v));
    h.trigger().commit().ifPresent(v -> t.put("commit", v));
    h.trigger().actor().ifPresent(v -> t.put("actor", v));
    if (!h.trigger().details().isEmpty()) t.set("details", JSON.valueToTree(new java.util.TreeMap<>(h.trigger().details())));
    n.set("parameters", JSON.valueToTree(h.parameters()));
    n.put("createdAt", h.createdAt().toString());
    h.rerunOf().ifPresent(v -> n.put("rerunOf", v));
    h.rerunFrom().ifPresent(v -> n.put("rerunFrom", v));
    return n.toString();
  }

  public static ExecutionHeader header(String text, String source) {
    JsonNode n = parse(text, source);
    checkVersion(n, source);
    JsonNode t = n.path("trigger");
    Map<String, String> details = new java.util.LinkedHashMap<>();
    t.path("details").fields().forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
    ExecutionTrigger trigger = new ExecutionTrigger(t.path("kind").asText("manual"), opt(t, "branch"), opt(t, "commit"), opt(t, "actor"),
        details);
    @SuppressWarnings("unchecked")
    Map<String, Object> params = JSON.convertValue(n.path("parameters"), LinkedHashMap.class);
    return new ExecutionHeader(n.path("id").asText(), n.path("number").asLong(),
        PipelineFormat.JSON.read(n.path("pipeline").toString(), source), trigger, params == null ? Map.of() : params,
        Instant.parse(n.path("createdAt").asText()), opt(n, "rerunOf"), opt(n, "rerunFrom"));
  }

  public static String event(ExecutionEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("type", e.getClass().getSimpleName());
    n.put("seq", e.sequence());
    n.put("time", e.time().toString());
    if (e instanceof ExecutionQueued q) {
      q.concurrencyGroup().ifPresent(g -> n.put("group", g));
    } else if (e instanceof StageReused r) {
      n.put("stage", r.stageId());
      n.put("from", r.fromExecutionId());
      n.put("status", r.status().name());
      n.set("outputs", JSON.valueToTree(r.outputs()));
    } else if (e instanceof StagesAdded a) {
      n.put("stage", a.stageId());
      ArrayNode ids = n.putArray("stages");
      a.stageIds().forEach(ids::add);
      n.put("fragment", a.fragment());
    } else if (e instanceof ApprovalRequested a) {
      n.put("stage", a.stageId());
      ArrayNode approvers = n.putArray("approvers");
      a.approvers().forEach(approvers::add);
      a.deadline().ifPresent(d -> n.put("deadline", d.toString()));
    } else if (e instanceof ApprovalDecided d) {
      n.put("stage", d.stageId());
      n.put("principal", d.principal());
      n.put("approved", d.approved());
      d.comment().ifPresent(c -> n.put("comment", c));
    } else if (e instanceof StageStarted s) {
      n.put("stage", s.stageId());
    } else if (e instanceof JobStarted j) {
      n.put("stage", j.stageId());
      n.put("job", j.jobId());
      n.set("matrix", JSON.valueToTree(j.matrix()));
      n.put("attempt", j.attempt());
    } else if (e instanceof ArtifactStored a) {
      n.put("stage", a.stageId());
      n.put("job", a.jobId());
      n.put("name", a.name());
      n.put("artifact", a.artifactId());
      n.put("size", a.size());
      n.put("digest", a.digest());
      n.put("url", a.url());
    } else if (e instanceof CacheUsed c) {
      n.put("stage", c.stageId());
      n.put("job", c.jobId());
      n.put("action", c.action());
      n.put("key", c.key());
      c.matchedKey().ifPresent(k -> n.put("matched", k));
      n.put("bytes", c.bytes());
      n.put("tookMillis", c.took().toMillis());
    } else if (e instanceof StepStarted st) {
      n.put("stage", st.stageId());
      n.put("job", st.jobId());
      n.put("attempt", st.attempt());
      n.put("step", st.step());
      n.put("runner", st.runner());
      n.put("startupMillis", st.startup().toMillis());
    } else if (e instanceof JobRetrying r) {
      n.put("stage", r.stageId());
      n.put("job", r.jobId());
      n.put("attempt", r.attempt());
      n.put("delayMillis", r.delay().toMillis());
      n.put("reason", r.reason());
      if (!r.outputs().isEmpty()) n.set("outputs", JSON.valueToTree(r.outputs()));
    } else if (e instanceof JobFinished j) {
      n.put("stage", j.stageId());
      n.put("job", j.jobId());
      n.put("attempt", j.attempt());
      n.put("status", j.status().name());
      j.exitCode().ifPresent(c -> n.put("exitCode", c));
      j.reason().ifPresent(r -> n.put("reason", r));
      n.set("outputs", JSON.valueToTree(j.outputs()));
    } else if (e instanceof StageFinished f) {
      n.put("stage", f.stageId());
      n.put("status", f.status().name());
      f.reason().ifPresent(r -> n.put("reason", r));
      n.set("outputs", JSON.valueToTree(f.outputs()));
    } else if (e instanceof CancelRequested c) {
      n.put("reason", c.reason());
    } else if (e instanceof ExecutionFinished f) {
      n.put("status", f.status().name());
      f.reason().ifPresent(r -> n.put("reason", r));
    } else if (e instanceof LogAppended l) {
      LogLine line = l.line();
      n.put("stage", line.stageId());
      n.put("line", line.number());
      n.put("job", line.jobId());
      n.put("attempt", line.attempt());
      n.put("text", line.text());
    } else if (!(e instanceof ExecutionStarted)) {
      throw new IllegalArgumentException("no journal form for " + e.getClass().getName());
    }
    return n.toString();
  }

  public static ExecutionEvent event(String text, String executionId, String source) {
    JsonNode n = parse(text, source);
    checkVersion(n, source);
    long seq = n.path("seq").asLong();
    Instant time = Instant.parse(n.path("time").asText());
    String stage = n.path("stage").asText();
    return switch (n.path("type").asText()) {
      case "ExecutionQueued" -> new ExecutionQueued(executionId, seq, time, opt(n, "group"));
      case "ExecutionStarted" -> new ExecutionStarted(executionId, seq, time);
      case "StageReused" -> new StageReused(executionId, seq, time, stage, n.path("from").asText(),
          StageStatus.valueOf(n.path("status").asText()), strings(n.path("outputs")));
      case "StagesAdded" -> {
        List<String> ids = new ArrayList<>();
        n.path("stages").forEach(a -> ids.add(a.asText()));
        yield new StagesAdded(executionId, seq, time, stage, ids, n.path("fragment").asText());
      }
      case "ApprovalRequested" -> {
        List<String> approvers = new ArrayList<>();
        n.path("approvers").forEach(a -> approvers.add(a.asText()));
        yield new ApprovalRequested(executionId, seq, time, stage, approvers, opt(n, "deadline").map(Instant::parse));
      }
      case "ApprovalDecided" -> new ApprovalDecided(executionId, seq, time, stage, n.path("principal").asText(),
          n.path("approved").asBoolean(), opt(n, "comment"));
      case "StageStarted" -> new StageStarted(executionId, seq, time, stage);
      case "JobStarted" -> new JobStarted(executionId, seq, time, stage, n.path("job").asText(), strings(n.path("matrix")),
          n.path("attempt").asInt());
      case "ArtifactStored" -> new ArtifactStored(executionId, seq, time, stage, n.path("job").asText(), n.path("name").asText(),
          n.path("artifact").asText(), n.path("size").asLong(), n.path("digest").asText(), n.path("url").asText());
      case "CacheUsed" -> new CacheUsed(executionId, seq, time, stage, n.path("job").asText(), n.path("action").asText(),
          n.path("key").asText(), opt(n, "matched"), n.path("bytes").asLong(), Duration.ofMillis(n.path("tookMillis").asLong()));
      case "StepStarted" -> new StepStarted(executionId, seq, time, stage, n.path("job").asText(), n.path("attempt").asInt(),
          n.path("step").asInt(), n.path("runner").asText(), Duration.ofMillis(n.path("startupMillis").asLong()));
      case "JobRetrying" -> new JobRetrying(executionId, seq, time, stage, n.path("job").asText(), n.path("attempt").asInt(),
          Duration.ofMillis(n.path("delayMillis").asLong()), n.path("reason").asText(), strings(n.path("outputs")));
      case "JobFinished" -> new JobFinished(executionId, seq, time, stage, n.path("job").asText(), n.path("attempt").asInt(),
          StageStatus.valueOf(n.path("status").asText()), n.has("exitCode") ? Optional.of(n.path("exitCode").asInt()) : Optional.empty(),
          opt(n, "reason"), strings(n.path("outputs")));
      case "StageFinished" -> new StageFinished(executionId, seq, time, stage, StageStatus.valueOf(n.path("status").asText()),
          opt(n, "reason"), strings(n.path("outputs")));
      case "CancelRequested" -> new CancelRequested(executionId, seq, time, n.path("reason").asText());
      case "ExecutionFinished" -> new ExecutionFinished(executionId, seq, time, ExecutionStatus.valueOf(n.path("status").asText()),
          opt(n, "reason"));
      case "LogAppended" -> new LogAppended(executionId, seq, time, new LogLine(stage, n.path("line").asLong(), time,
          n.path("job").asText(), n.path("attempt").asInt(), n.path("text").asText()));
      default -> throw new PipelineException(ErrorCode.STORE_CORRUPT, source + ": unknown event type '" + n.path("type").asText() + "'");
    };
  }

  private static JsonNode parse(String text, String source) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new PipelineException(ErrorCode.STORE_CORRUPT, source + ": not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void checkVersion(JsonNode n, String source) {
    int v = n.path("v").asInt(-1);
    if (v != VERSION) {
      throw new PipelineException(ErrorCode.STORE_CORRUPT, source + ": journal version " + v + " is not " + VERSION
          + (v > VERSION ? " (written by a newer PipelineKit)" : ""));
    }
  }

  private static Optional<String> opt(JsonNode n, String field) {
    return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
  }

  private static Map<String, String> strings(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
