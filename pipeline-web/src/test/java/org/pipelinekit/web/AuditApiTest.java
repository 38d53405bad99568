package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.secret.SecretAudit;
import org.pipelinekit.core.spi.AuditLog;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** The audit log through the API: what callers change and what they are refused, secret reads by runs, filters, export. */
class AuditApiTest {
  @TempDir Path dir;

  @Test
  void changesRunsDecisionsAndRefusalsAreRecorded_andReadOnlyByThoseWhoMayAudit() throws Exception {
    AuditLog log = AuditLog.inFile(dir.resolve("audit").resolve("audit.jsonl"));
    try (ApiServer server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15),
        eb -> eb.secretAudit(SecretAudit.into(log)),
        (sb, service, executor) -> sb.auditLog(log).authorizer(Authorizer.byGroups(Map.of(
            org.pipelinekit.core.access.Action.READ, List.of("admins", "readers", "team-leads"),
            org.pipelinekit.core.access.Action.EDIT, List.of("admins"),
            org.pipelinekit.core.access.Action.RUN, List.of("admins", "team-leads"),
            org.pipelinekit.core.access.Action.APPROVE, List.of("admins", "team-leads"),
            org.pipelinekit.core.access.Action.AUDIT, List.of("admins"))))) ) {
      String doc = """
          {"pipelinekit": 1, "id": "ship", "stages": [{"id": "deploy", "steps": [{"run": "echo token ${{ secrets.DEPLOY_TOKEN }}"}]}]}
          """;
      assertThat(server.post("/pipelines", "admin-token", doc).status()).isEqualTo(201);
      assertThat(server.send("PUT", "/pipelines/ship", "admin-token", "application/json", doc, Map.of("If-Match", "\"1\"")).status())
          .isIn(200, 201);
      assertThat(server.post("/pipelines/ship/execute", "reader-token", "{}").status()).isEqualTo(403);
      ApiServer.Response started = server.post("/pipelines/ship/execute", "lead-token", "{}");
      assertThat(started.status()).isEqualTo(202);
      String id = json(started).path("id").asText();
      ExecutionSnapshot done = server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(server.get("/pipelines/ship", "reader-token").status()).as("reads are not recorded").isEqualTo(200);
      assertThat(server.get("/audit", "reader-token").status()).isEqualTo(403);

      ApiServer.Response audit = server.get("/audit", "admin-token");
      assertThat(audit.status()).as(audit.body()).isEqualTo(200);
      JsonNode body = json(audit);
      assertThat(body.path("intact").asBoolean()).isTrue();
      List<String> lines = new ArrayList<>();
      for (JsonNode e : body.path("entries")) {
        lines.add(e.path("actor").asText() + " " + e.path("action").asText() + " " + e.path("target").asText() + " " + e.path("outcome").asText());
      }
      // newest first; the reader's refused look at the audit log is itself recorded. A request is recorded when it has
      // answered, and the execution it started reads its secret on its own thread meanwhile: those two come in either order
      assertThat(lines).hasSize(6);
      assertThat(lines.get(0)).isEqualTo("rita GET /audit audit denied");
      assertThat(lines.subList(1, 3)).containsExactlyInAnyOrder("execution:" + id + " secret.read secret/DEPLOY_TOKEN ok",
          "lena execution.start pipeline/ship ok");
      assertThat(lines.subList(3, 6)).containsExactly(
          "rita execution.start pipeline/ship denied",
          "admin pipeline.update pipeline/ship ok",
          "admin pipeline.create pipeline/ship ok");
      JsonNode denied = body.path("entries").get(3);
      assertThat(denied.path("details").path("status").asText()).isEqualTo("403");
      assertThat(denied.path("details").path("address").asText()).isEqualTo("127.0.0.1");
      assertThat(denied.path("previousHash").asText()).isEqualTo(body.path("entries").get(4).path("hash").asText());

      assertThat(json(server.get("/audit?actor=rita", "admin-token")).path("entries")).hasSize(2);
      assertThat(json(server.get("/audit?action=pipeline", "admin-token")).path("entries")).hasSize(2);
      assertThat(json(server.get("/audit?limit=1", "admin-token")).path("entries").get(0).path("action").asText()).isEqualTo("GET /audit");
      assertThat(server.get("/audit?since=yesterday", "admin-token").status()).isEqualTo(400);

      ApiServer.Response export = server.get("/audit/export?target=pipeline/ship", "admin-token");
      assertThat(export.contentType()).startsWith("application/x-ndjson");
      assertThat(export.headers().firstValue("Content-Disposition").orElse("")).contains("pipelinekit-audit.jsonl");
      List<String> jsonLines = export.body().lines().toList();
      assertThat(jsonLines).hasSize(4);
      assertThat(json(jsonLines.get(0)).path("action").asText()).isEqualTo("pipeline.create");
      // the file on disk is what the API read
      assertThat(Files.readAllLines(dir.resolve("audit").resolve("audit.jsonl"))).hasSize(6);
    }
  }

  @Test
  void aServerThatRequiresSignaturesRefusesAnUnsignedOrChangedRun_andRunsASignedOne() throws Exception {
    org.pipelinekit.core.sign.PipelineSignatures.generate(dir.resolve("keys"), "team-a");
    var trusted = org.pipelinekit.core.sign.PipelineSignatures.Trusted.inDirectory(dir.resolve("keys"));
    AuditLog log = AuditLog.inMemory();
    try (ApiServer server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15), eb -> eb.requireSignatures(trusted),
        (sb, service, executor) -> sb.auditLog(log))) {
      var pipeline = org.pipelinekit.core.format.PipelineFormat.YAML.read("id: ship\nstages:\n  - id: a\n    steps: [{ run: 'echo ok' }]\n");
      String signed = org.pipelinekit.core.format.PipelineFormat.JSON.write(
          org.pipelinekit.core.sign.PipelineSignatures.sign(pipeline, dir.resolve("keys/team-a.key")));
      assertThat(server.post("/pipelines", "admin-token", signed).status()).isEqualTo(201);
      ApiServer.Response ran = server.post("/pipelines/ship/execute", "admin-token", "{}");
      assertThat(ran.status()).as(ran.body()).isEqualTo(202);
      // changed through the API without signing again: stored, but refused to run, saying why
      String changed = signed.replace("echo ok", "echo changed");
      assertThat(server.send("PUT", "/pipelines/ship", "admin-token", "application/json", changed, Map.of("If-Match", "\"1\"")).status())
          .isEqualTo(200);
      ApiServer.Response refused = server.post("/pipelines/ship/execute", "admin-token", "{}");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(json(refused).path("detail").asText()).contains("does not match its signature by key 'team-a'");
      assertThat(log.read(AuditLog.Query.ALL)).last().satisfies(e -> {
        assertThat(e.action()).isEqualTo("execution.start");
        assertThat(e.outcome()).isEqualTo("denied");
      });
    }
  }
}
