package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.environment.EnvironmentStore;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.spi.AuditLog;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** Environments through the API: defined by an editor, enforced on a run, and their deployment history. */
class EnvironmentsApiTest {
  @TempDir Path dir;

  @Test
  void anEnvironmentDefinedThroughTheApiGuardsItsDeployments_andKeepsTheirHistory() throws Exception {
    AuditLog log = AuditLog.inMemory();
    try (ApiServer server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15),
        eb -> eb.environments(EnvironmentStore.inDirectory(dir.resolve("environments"))), (sb, service, executor) -> sb.auditLog(log))) {
      String production = "{\"variables\": {\"API_URL\": \"https://api.example.org\"}, \"approvers\": [\"team-leads\"], \"branches\": [\"main\"]}";
      assertThat(server.send("PUT", "/environments/production", "reader-token", "application/json", production, Map.of()).status()).isEqualTo(403);
      ApiServer.Response put = server.send("PUT", "/environments/production", "admin-token", "application/json", production, Map.of());
      assertThat(put.status()).as(put.body()).isEqualTo(200);
      assertThat(json(put).path("secretPrefix").asText()).isEqualTo("PRODUCTION__");
      ApiServer.Response staging = server.send("PUT", "/environments/staging", "admin-token", "application/json", "{\"waitTimer\": \"5m\"}",
          Map.of());
      assertThat(json(staging).path("waitTimer").asText()).isEqualTo("5m");
      assertThat(server.send("PUT", "/environments/staging", "admin-token", "application/json", "{\"waitTimer\": \"soon\"}", Map.of())
          .status()).isEqualTo(400);
      assertThat(server.send("DELETE", "/environments/staging", "admin-token", null, null, Map.of()).status()).isEqualTo(204);
      ApiServer.Response bad = server.send("PUT", "/environments/Prod", "admin-token", "application/json", "{\"required\": 2}", Map.of());
      assertThat(bad.status()).isEqualTo(400);
      assertThat(json(bad).path("detail").asText()).contains("lower-case letters");

      assertThat(server.post("/pipelines", "admin-token", """
          {"pipelinekit": 1, "id": "ship", "stages": [{"id": "deploy", "environment": "production",
            "steps": [{"run": "echo deploying to $API_URL"}]}]}
          """).status()).isEqualTo(201);
      String feature = json(server.post("/pipelines/ship/execute", "admin-token", "{\"branch\": \"feature/x\"}")).path("id").asText();
      assertThat(server.executor.execution(feature).orElseThrow().completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.FAILED);
      String main = json(server.post("/pipelines/ship/execute", "admin-token", "{\"branch\": \"main\"}")).path("id").asText();
      try (Sse events = new Sse(server.http, java.net.URI.create(server.base + "/executions/" + main + "/events"), "admin-token", null)) {
        events.until(e -> e.name().equals("ApprovalRequested")); // the deployment waits for team-leads
      }
      assertThat(server.post("/executions/" + main + "/stages/deploy/approve", "lead-token", "{}").status()).isEqualTo(200);
      assertThat(server.executor.execution(main).orElseThrow().completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

      JsonNode list = json(server.get("/environments", "reader-token"));
      assertThat(list).hasSize(1);
      assertThat(list.get(0).path("deployed").path("executionId").asText()).isEqualTo(main);
      assertThat(list.get(0).path("deployed").path("approvedBy").get(0).asText()).isEqualTo("lena");
      JsonNode history = json(server.get("/environments/production", "reader-token")).path("deployments");
      assertThat(history).hasSize(2);
      assertThat(history.get(1).path("status").asText()).isEqualTo("FAILED");
      assertThat(history.get(1).path("branch").asText()).isEqualTo("feature/x");
      assertThat(server.get("/environments/nowhere", "reader-token").status()).isEqualTo(404);
      assertThat(log.read(AuditLog.Query.ALL)).extracting(e -> e.actor() + " " + e.action() + " " + e.target() + " " + e.outcome())
          .contains("rita environment.update environment/production denied", "admin environment.update environment/production ok");
      assertThat(server.send("DELETE", "/environments/production", "admin-token", null, null, Map.of()).status()).isEqualTo(204);
    }
  }
}
