package org.pipelinekit.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.format.ParserMessages;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.validate.Problem;
import org.pipelinekit.core.validate.ValidationResult;

/** The API's JSON: one strict mapper, and the shapes of pipelines, executions and validation results. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /**
   * A JSON syntax error in words with its place, without the parser's internals (Jackson's
   * "[Source: REDACTED …]" and "start marker" notes).
   */
  public static String describe(JsonProcessingException e) {
    return ParserMessages.clean(e.getOriginalMessage()) + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : "");
  }

  public static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The canonical pipeline document (as pipeline files have it). */
  public static JsonNode pipeline(Pipeline p) {
    return tree(PipelineFormat.JSON.write(p));
  }

  public static ObjectNode validation(ValidationResult r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("valid", r.isValid());
    n.put("errors", r.errors().size());
    n.put("warnings", r.warnings().size());
    var list = n.putArray("problems");
    for (Problem p : r.problems()) problem(list, p);
    return n;
  }

  /** A validation problem as the API writes it: code, severity, path, message, hint. */
  public static void problem(com.fasterxml.jackson.databind.node.ArrayNode list, Problem p) {
    list.addObject().put("code", p.code().name()).put("severity", p.severity().name().toLowerCase(java.util.Locale.ROOT))
        .put("path", p.path()).put("message", p.message()).put("hint", p.hint());
  }

  public static ObjectNode execution(ExecutionSnapshot s, boolean withStages) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", s.id());
    n.put("pipelineId", s.header().pipelineId());
    n.put("number", s.header().number());
    n.put("status", s.status().name());
    s.reason().ifPresent(r -> n.put("reason", r));
    n.put("createdAt", s.header().createdAt().toString());
    s.startedAt().ifPresent(t -> n.put("startedAt", t.toString()));
    s.finishedAt().ifPresent(t -> n.put("finishedAt", t.toString()));
    s.duration().ifPresent(d -> n.put("durationMs", d.toMillis()));
    ObjectNode trigger = n.putObject("trigger");
    trigger.put("kind", s.header().trigger().kind());
    s.header().trigger().branch().ifPresent(b -> trigger.put("branch", b));
    s.header().trigger().commit().ifPresent(c -> trigger.put("commit", c));
    s.header().trigger().actor().ifPresent(a -> trigger.put("actor", a));
    s.header().trigger().details().forEach((k, v) -> {
      if (!k.startsWith(org.pipelinekit.core.run.ExecutionTrigger.UPSTREAM_OUTPUTS)) trigger.put(k, v);
    });
    n.set("parameters", MAPPER.valueToTree(s.header().parameters()));
    s.header().rerunOf().ifPresent(r -> n.put("rerunOf", r));
    if (withStages) {
      n.set("pipeline", pipeline(s.header().pipeline()));
      var stages = n.putArray("stages");
      for (StageRun r : s.stages().values()) stages.add(stage(r));
    }
    return n;
  }

  private static ObjectNode stage(StageRun r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", r.stageId());
    n.put("status", r.status().name());
    n.put("result", r.status().result());
    times(n, r.startedAt(), r.finishedAt(), r.duration());
    r.reason().ifPresent(x -> n.put("reason", x));
    n.set("outputs", MAPPER.valueToTree(r.outputs()));
    r.reusedFrom().ifPresent(x -> n.put("reusedFrom", x));
    var jobs = n.putArray("jobs");
    for (JobRun j : r.jobs()) {
      ObjectNode o = jobs.addObject();
      o.put("id", j.jobId());
      o.set("matrix", MAPPER.valueToTree(j.matrix()));
      o.put("status", j.status().name());
      o.put("attempts", j.attempts());
      times(o, j.startedAt(), j.finishedAt(), j.startedAt().flatMap(a -> j.finishedAt().map(b -> Duration.between(a, b))));
      j.exitCode().ifPresent(c -> o.put("exitCode", c));
      j.reason().ifPresent(x -> o.put("reason", x));
    }
    return n;
  }

  private static void times(ObjectNode n, Optional<Instant> start, Optional<Instant> end, Optional<Duration> d) {
    start.ifPresent(t -> n.put("startedAt", t.toString()));
    end.ifPresent(t -> n.put("finishedAt", t.toString()));
    d.ifPresent(x -> n.put("durationMs", x.toMillis()));
  }

  public static String write(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode read(byte[] body) throws IOException {
    return MAPPER.readTree(body);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(JsonNode n) {
    return MAPPER.convertValue(n, Map.class);
  }
}
