package org.pipelinekit.jdbc.internal;

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
import org.pipelinekit.core.environment.Deployment;
import org.pipelinekit.core.environment.EnvironmentDefinition;
import org.pipelinekit.core.environment.EnvironmentStore;

/** core's {@code EnvironmentStore} in PostgreSQL: {@code pk_environment} (a definition as JSON per name) and {@code pk_deployment}. */
public final class JdbcEnvironmentStore implements EnvironmentStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Database db;

  public JdbcEnvironmentStore(Database db) {
    this.db = db;
  }

  @Override
  public List<EnvironmentDefinition> list() {
    return db.query("list the environments", "SELECT definition FROM pk_environment ORDER BY name", s -> { }, r -> definition(r.getString(1)));
  }

  @Override
  public Optional<EnvironmentDefinition> find(String name) {
    return db.one("read environment " + name, "SELECT definition FROM pk_environment WHERE name = ?", s -> s.setString(1, name),
        r -> definition(r.getString(1)));
  }

  @Override
  public void put(EnvironmentDefinition e) {
    ObjectNode o = JSON.createObjectNode().put("name", e.name());
    ObjectNode v = o.putObject("variables");
    new TreeMap<>(e.variables()).forEach(v::put);
    e.approvers().forEach(o.putArray("approvers")::add);
    o.put("required", e.required());
    e.branches().forEach(o.putArray("branches")::add);
    e.waitTimer().ifPresent(w -> o.put("waitTimer", org.pipelinekit.core.model.Durations.format(w)));
    db.update("keep environment " + e.name(), "INSERT INTO pk_environment (name, definition) VALUES (?, ?) ON CONFLICT (name) DO UPDATE"
        + " SET definition = excluded.definition", s -> {
          s.setString(1, e.name());
          s.setString(2, o.toString());
        });
  }

  @Override
  public boolean delete(String name) {
    return db.update("remove environment " + name, "DELETE FROM pk_environment WHERE name = ?", s -> s.setString(1, name)) == 1;
  }

  @Override
  public void record(Deployment d) {
    ObjectNode o = JSON.createObjectNode().put("environment", d.environment()).put("pipelineId", d.pipelineId())
        .put("executionId", d.executionId()).put("stageId", d.stageId()).put("status", d.status()).put("time", d.time().toString());
    d.commit().ifPresent(c -> o.put("commit", c));
    d.branch().ifPresent(b -> o.put("branch", b));
    d.url().ifPresent(u -> o.put("url", u));
    d.approvedBy().forEach(o.putArray("approvedBy")::add);
    db.update("record a deployment to " + d.environment(), "INSERT INTO pk_deployment (environment, deployment) VALUES (?, ?)", s -> {
      s.setString(1, d.environment());
      s.setString(2, o.toString());
    });
  }

  @Override
  public List<Deployment> deployments(String environment, int limit) {
    return db.query("read the deployments of " + environment, "SELECT deployment FROM pk_deployment WHERE environment = ? ORDER BY id DESC LIMIT ?",
        s -> {
          s.setString(1, environment);
          s.setInt(2, limit);
        }, r -> deployment(r.getString(1)));
  }

  private static EnvironmentDefinition definition(String json) {
    JsonNode o = tree(json);
    Map<String, String> variables = new LinkedHashMap<>();
    o.path("variables").fields().forEachRemaining(x -> variables.put(x.getKey(), x.getValue().asText()));
    List<String> approvers = new ArrayList<>();
    o.path("approvers").forEach(x -> approvers.add(x.asText()));
    List<String> branches = new ArrayList<>();
    o.path("branches").forEach(x -> branches.add(x.asText()));
    return new EnvironmentDefinition(o.path("name").asText(), variables, approvers, o.path("required").asInt(1), branches,
        o.hasNonNull("waitTimer") ? Optional.of(org.pipelinekit.core.model.Durations.parse(o.get("waitTimer").asText())) : Optional.empty());
  }

  private static Deployment deployment(String json) {
    JsonNode o = tree(json);
    List<String> approvedBy = new ArrayList<>();
    o.path("approvedBy").forEach(x -> approvedBy.add(x.asText()));
    return new Deployment(o.path("environment").asText(), o.path("pipelineId").asText(), o.path("executionId").asText(), o.path("stageId").asText(),
        o.path("status").asText(), text(o, "commit"), text(o, "branch"), approvedBy, Instant.parse(o.path("time").asText()), text(o, "url"));
  }

  private static Optional<String> text(JsonNode o, String field) {
    return o.hasNonNull(field) ? Optional.of(o.get(field).asText()) : Optional.empty();
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored environment or deployment is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
