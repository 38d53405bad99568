package org.pipelinekit.core.environment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pipelinekit.core.model.Durations;

/** Environments and deployments as the stores keep them: one JSON object each. */
public final class EnvironmentJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EnvironmentJson() {}

  public static ObjectNode write(EnvironmentDefinition e) {
    ObjectNode o = JSON.createObjectNode().put("name", e.name());
    ObjectNode v = o.putObject("variables");
    new TreeMap<>(e.variables()).forEach(v::put);
    e.approvers().forEach(o.putArray("approvers")::add);
    o.put("required", e.required());
    e.branches().forEach(o.putArray("branches")::add);
    e.waitTimer().ifPresent(w -> o.put("waitTimer", Durations.format(w)));
    return o;
  }

  public static EnvironmentDefinition definition(String json) {
    JsonNode o = tree(json);
    Map<String, String> variables = new LinkedHashMap<>();
    o.path("variables").fields().forEachRemaining(x -> variables.put(x.getKey(), x.getValue().asText()));
    return new EnvironmentDefinition(o.path("name").asText(), variables, texts(o, "approvers"), o.path("required").asInt(1), texts(o, "branches"),
        o.hasNonNull("waitTimer") ? Optional.of(Durations.parse(o.get("waitTimer").asText())) : Optional.empty());
  }

  public static ObjectNode write(Deployment d) {
    ObjectNode o = JSON.createObjectNode().put("environment", d.environment()).put("pipelineId", d.pipelineId())
        .put("executionId", d.executionId()).put("stageId", d.stageId()).put("status", d.status()).put("time", d.time().toString());
    d.commit().ifPresent(c -> o.put("commit", c));
    d.branch().ifPresent(b -> o.put("branch", b));
    d.url().ifPresent(u -> o.put("url", u));
    d.version().ifPresent(v -> o.put("version", v));
    d.approvedBy().forEach(o.putArray("approvedBy")::add);
    return o;
  }

  public static Deployment deployment(String json) {
    JsonNode o = tree(json);
    return new Deployment(o.path("environment").asText(), o.path("pipelineId").asText(), o.path("executionId").asText(), o.path("stageId").asText(),
        o.path("status").asText(), text(o, "commit"), text(o, "branch"), texts(o, "approvedBy"), Instant.parse(o.path("time").asText()), text(o, "url"),
        text(o, "version"));
  }

  private static List<String> texts(JsonNode o, String field) {
    List<String> out = new ArrayList<>();
    o.path(field).forEach(x -> out.add(x.asText()));
    return out;
  }

  private static Optional<String> text(JsonNode o, String field) {
    return o.hasNonNull(field) ? Optional.of(o.get(field).asText()) : Optional.empty();
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
