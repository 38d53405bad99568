package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** Executions over real HTTP: start, read, stream logs and events (with resume), cancel, approve, re-run, artifacts, secrets. */
class ExecutionsApiTest {
  @TempDir static Path dir;
  static ApiServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static void create(String document) throws Exception {
    ApiServer.Response r = server.post("/pipelines", "admin-token", document);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private static String execute(String pipeline, String body) throws Exception {
    ApiServer.Response r = server.post("/pipelines/" + pipeline + "/execute", "admin-token", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("Location").orElseThrow()).contains("/ci/api/v1/executions/");
    return json(r.body()).path("id").asText();
  }

  private static ExecutionSnapshot finished(String executionId) throws Exception {
    return server.executor.execution(executionId).orElseThrow().completion().get(60, TimeUnit.SECONDS);
  }

  private Sse sse(String path, String lastEventId) throws Exception {
    return new Sse(server.http, URI.create(server.base + path), "reader-token", lastEventId);
  }

  @Test
  void startReadAndListExecutions_andStreamTheirEventsToTheEnd() throws Exception {
    // the build step writes only once the test has seen its job start, so its log line reaches the stream live (log lines are
    // not replayed from the journal)
    Path go = dir.resolve("go-run-me");
    create("""
        {"pipelinekit": 1, "id": "run-me", "parameters": [{"name": "target", "default": "staging"}],
         "stages": [{"id": "build", "steps": [{"run": "while [ ! -f '%s' ]; do sleep 0.02; done; echo building for ${{ params.target }} on ${{ branch }}"}]},
                    {"id": "test", "needs": ["build"], "steps": [{"run": "echo testing"}]}]}
        """.formatted(go));
    String id = execute("run-me", "{\"branch\": \"main\", \"parameters\": {\"target\": \"production\"}}");
    List<Sse.Event> all;
    try (Sse events = sse("/executions/" + id + "/events", null)) {
      assertThat(events.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      all = new ArrayList<>(events.until(e -> e.name().equals("JobStarted")));
      java.nio.file.Files.createFile(go);
      all.addAll(events.until(e -> e.name().equals("ExecutionFinished")));
      assertThat(all.get(all.size() - 1).name()).isEqualTo("ExecutionFinished");
      assertThat(all).extracting(Sse.Event::name).contains("ExecutionStarted", "StageStarted", "LogAppended", "StageFinished");
      long previous = 0;
      for (Sse.Event e : all) {
        long seq = Long.parseLong(e.id());
        assertThat(seq).isGreaterThan(previous);
        previous = seq;
      }
      assertThat(events.next()).as("the stream ends with the execution").isNull();
      JsonNode line = json(all.stream().filter(x -> x.name().equals("LogAppended")).reduce((a, b) -> b).orElseThrow().data());
      assertThat(line.path("apiVersion").asInt()).as("the API's own event form, not the journal's").isEqualTo(1);
      assertThat(line.path("execution").asText()).isEqualTo(id);
      assertThat(line.path("text").asText()).isEqualTo("testing");
    }
    // a replay is the journal: every event but log lines (the logs stream reads those), numbered as they were
    try (Sse replay = sse("/executions/" + id + "/events", null)) {
      List<Sse.Event> again = replay.until(e -> e.name().equals("ExecutionFinished"));
      assertThat(again).extracting(Sse.Event::name).contains("ExecutionStarted", "StageFinished").doesNotContain("LogAppended");
      assertThat(again.get(again.size() - 1).id()).isEqualTo(all.get(all.size() - 1).id());
    }
    JsonNode e = json(server.get("/executions/" + id, "reader-token").body());
    assertThat(e.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(e.path("trigger").path("branch").asText()).isEqualTo("main");
    assertThat(e.path("trigger").path("actor").asText()).isEqualTo("admin");
    assertThat(e.path("parameters").path("target").asText()).isEqualTo("production");
    List<String> stages = new ArrayList<>();
    e.path("stages").forEach(st -> stages.add(st.path("id").asText()));
    assertThat(stages).containsExactly("build", "test");
    assertThat(e.path("stages").get(0).path("jobs").get(0).path("exitCode").asInt()).isZero();
    JsonNode list = json(server.get("/pipelines/run-me/executions?limit=5", "reader-token").body());
    assertThat(list.findValuesAsText("id")).contains(id);
    ApiServer.Response badParam = server.post("/pipelines/run-me/execute", "admin-token", "{\"parameters\": {\"nope\": 1}}");
    assertThat(badParam.status()).isEqualTo(422);
  }

  @Test
  void aDryRunSaysWhatWouldRunAndWhy_withoutStartingAnything() throws Exception {
    Path marker = dir.resolve("dry-run-marker");
    create("""
        {"pipelinekit": 1, "id": "dry", "parameters": [{"name": "target", "default": "staging"}], "env": {"TARGET": "${{ params.target }}"},
         "stages": [{"id": "build", "matrix": {"axes": {"jdk": ["17", "21"]}}, "steps": [{"run": "touch '%s'; make JDK=${{ matrix.jdk }}"}]},
                    {"id": "deploy", "needs": ["build"], "when": "branch == 'main'", "approval": {"approvers": ["leads"]},
                     "steps": [{"name": "ship", "run": "./deploy.sh $TARGET"}]}]}
        """.formatted(marker));
    ApiServer.Response main = server.post("/pipelines/dry/dry-run", "reader-token",
        "{\"event\": \"push\", \"branch\": \"main\", \"parameters\": {\"target\": \"production\"}}");
    assertThat(main.status()).as(main.body()).isEqualTo(200);
    JsonNode r = json(main.body());
    assertThat(r.path("summary").asText()).isEqualTo("2 of 2 stages run");
    JsonNode build = r.path("stages").get(0);
    assertThat(build.path("id").asText()).isEqualTo("build");
    assertThat(build.path("jobs").findValuesAsText("command")).containsExactly("touch '" + marker + "'; make JDK=17", "touch '" + marker
        + "'; make JDK=21");
    JsonNode deploy = r.path("stages").get(1);
    assertThat(deploy.path("approval").asText()).isEqualTo("approved by leads");
    assertThat(deploy.path("jobs").get(0).path("steps").get(0).path("env").path("TARGET").asText()).isEqualTo("production");
    assertThat(r.path("text").asText()).startsWith("dry run of dry (push on branch main, target=production): nothing was started\n");

    JsonNode feature = json(server.post("/pipelines/dry/dry-run", "reader-token", "{\"branch\": \"feature/x\"}").body());
    assertThat(feature.path("summary").asText()).isEqualTo("1 of 2 stages run; deploy skipped because condition `branch == 'main'` is false");
    assertThat(feature.path("stages").get(1).path("runs").asBoolean()).isFalse();
    assertThat(marker).doesNotExist();
    assertThat(server.get("/pipelines/dry/executions", "reader-token").body()).isEqualTo("[]");
    assertThat(server.post("/pipelines/dry/dry-run", "reader-token", "{\"parameters\": [1]}").status()).isEqualTo(400);
  }

  @Test
  void aReRunWithTracing_logsTheCommandsItsStepsRun() throws Exception {
    create("""
        {"pipelinekit": 1, "id": "trace-me", "stages": [{"id": "check", "steps": [{"run": "echo checking; exit 3"}]}]}
        """);
    String first = execute("trace-me", "{}");
    finished(first);
    ApiServer.Response r = server.post("/executions/" + first + "/rerun?failed=true&trace=true", "admin-token", "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String traced = json(r.body()).path("id").asText();
    finished(traced);
    assertThat(server.get("/executions/" + traced + "/logs/text?stage=check", "reader-token").body()).contains("+ echo checking")
        .contains("+ exit 3");
    assertThat(server.get("/executions/" + first + "/logs/text?stage=check", "reader-token").body()).doesNotContain("+ echo checking");
  }

  @Test
  void logStreamsResumeFromLastEventIdWithoutLosingALine() throws Exception {
    create("""
        {"pipelinekit": 1, "id": "chatty", "stages": [{"id": "talk", "steps": [{"run": "seq 1 3000 | sed 's/^/line-/'"}]}]}
        """);
    String id = execute("chatty", "{}");
    List<String> received = new ArrayList<>();
    String lastId;
    try (Sse logs = sse("/executions/" + id + "/logs?stage=talk", null)) {
      List<Sse.Event> first = logs.until(e -> e.name().equals("line") && json(e.data()).path("text").asText().equals("line-700"));
      for (Sse.Event e : first) if (e.name().equals("line")) received.add(json(e.data()).path("text").asText());
      lastId = first.get(first.size() - 1).id();
    } // the client goes away mid-stream
    try (Sse again = sse("/executions/" + id + "/logs?stage=talk", lastId)) {
      for (Sse.Event e : again.until(e -> e.name().equals("end"))) if (e.name().equals("line")) received.add(json(e.data()).path("text").asText());
    }
    List<String> texts = received.stream().filter(t -> t.startsWith("line-")).toList();
    assertThat(texts).hasSize(3000);
    for (int i = 0; i < 3000; i++) assertThat(texts.get(i)).isEqualTo("line-" + (i + 1));
    try (Sse stored = sse("/executions/" + id + "/logs?stage=talk&follow=false&from=2999", null)) {
      List<Sse.Event> tail = stored.until(e -> e.name().equals("end"));
      assertThat(tail.stream().filter(e -> e.name().equals("line")).map(e -> e.id()).toList()).hasSizeGreaterThanOrEqualTo(2);
    }
    assertThat(server.get("/executions/" + id + "/logs", "reader-token").status()).as("stage is required").isEqualTo(400);
    assertThat(server.get("/executions/" + id + "/logs?stage=nope", "reader-token").status()).isEqualTo(404);
  }

  @Test
  void cancelApproveRejectAndRerun() throws Exception {
    create("""
        {"pipelinekit": 1, "id": "slow", "stages": [{"id": "wait", "steps": [{"run": "sleep 60"}]}]}
        """);
    String slow = execute("slow", "{}");
    ApiServer.Response reader = server.post("/executions/" + slow + "/cancel", "reader-token", "{}");
    assertThat(reader.status()).isEqualTo(403);
    ApiServer.Response cancel = server.post("/executions/" + slow + "/cancel", "admin-token", "{\"reason\": \"not today\"}");
    assertThat(cancel.status()).isEqualTo(202);
    assertThat(finished(slow).status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(server.post("/executions/" + slow + "/cancel", "admin-token", "{}").status()).isEqualTo(409);

    create("""
        {"pipelinekit": 1, "id": "gated",
         "stages": [{"id": "build", "steps": [{"run": "echo built"}]},
                    {"id": "ship", "needs": ["build"], "approval": {"approvers": ["team-leads"]}, "steps": [{"run": "echo shipped"}]}]}
        """);
    String approved = execute("gated", "{}");
    awaitStatus(approved, "ship", "WAITING_APPROVAL");
    ApiServer.Response notLead = server.post("/executions/" + approved + "/stages/ship/approve", "admin-token", "{}");
    assertThat(notLead.status()).as("admin is not among the stage's approvers").isEqualTo(403);
    ApiServer.Response ok = server.post("/executions/" + approved + "/stages/ship/approve", "lead-token", "{\"comment\": \"go\"}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(finished(approved).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    String rejected = execute("gated", "{}");
    awaitStatus(rejected, "ship", "WAITING_APPROVAL");
    assertThat(server.post("/executions/" + rejected + "/stages/ship/reject", "lead-token", "{\"comment\": \"no\"}").status()).isEqualTo(200);
    assertThat(finished(rejected).status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(server.post("/executions/" + rejected + "/stages/ship/approve", "lead-token", "{}").status()).isEqualTo(409);

    ApiServer.Response rerun = server.post("/executions/" + approved + "/rerun?from=ship", "admin-token", "{}");
    assertThat(rerun.status()).as(rerun.body()).isEqualTo(202);
    assertThat(json(rerun.body()).path("rerunOf").asText()).isEqualTo(approved);
    assertThat(server.post("/executions/" + approved + "/rerun", "admin-token", "{}").status()).isEqualTo(400);
  }

  private void awaitStatus(String executionId, String stage, String status) throws Exception {
    try (Sse events = sse("/executions/" + executionId + "/events", null)) {
      events.until(e -> e.name().equals("ApprovalRequested") && e.data().contains("\"" + stage + "\""));
    }
    assertThat(json(server.get("/executions/" + executionId, "reader-token").body()).path("stages").get(1).path("status").asText())
        .isEqualTo(status);
  }

  @Test
  void artifactsAreListedWithSignedLinks_thatWorkWithoutSigningInAndRefuseTampering() throws Exception {
    create("""
        {"pipelinekit": 1, "id": "makes-jar",
         "stages": [{"id": "build", "artifacts": {"name": "app-jar", "paths": ["app.jar"]}, "steps": [{"run": "echo jar-bytes > app.jar"}]}]}
        """);
    String id = execute("makes-jar", "{}");
    finished(id);
    JsonNode list = json(server.get("/executions/" + id + "/artifacts", "reader-token").body());
    assertThat(list).hasSize(1);
    JsonNode jar = list.get(0);
    assertThat(jar.path("name").asText()).isEqualTo("app-jar");
    assertThat(jar.path("size").asLong()).isEqualTo(10);
    String url = jar.path("url").asText();
    assertThat(url).startsWith("/ci/api/v1/artifacts/").contains("signature=");
    URI origin = URI.create(server.base.toString().substring(0, server.base.toString().indexOf("/ci/")));
    HttpResponse<String> download = server.http.send(HttpRequest.newBuilder(origin.resolve(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo("jar-bytes\n");
    assertThat(download.headers().firstValue("Digest")).contains(jar.path("digest").asText());
    HttpResponse<String> tampered = server.http.send(HttpRequest.newBuilder(origin.resolve(url.replace("signature=", "signature=A"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(tampered.statusCode()).isEqualTo(403);
    assertThat(server.get("/artifacts/" + jar.path("id").asText(), "reader-token").status()).isEqualTo(200);
    assertThat(server.get("/artifacts/" + jar.path("id").asText(), null).status()).isEqualTo(401);
  }

  @Test
  void secretsNeverAppearInAnyResponse() throws Exception {
    create("""
        {"pipelinekit": 1, "id": "uses-secret",
         "stages": [{"id": "deploy", "env": {"TOKEN": "${{ secrets.DEPLOY_TOKEN }}"}, "outputs": ["echoed"],
                     "steps": [{"run": "echo token=$TOKEN; echo echoed=$TOKEN >> $PIPELINE_OUTPUT"}]}]}
        """);
    String id = execute("uses-secret", "{}");
    finished(id);
    StringBuilder everything = new StringBuilder();
    everything.append(server.get("/executions/" + id, "reader-token").body());
    everything.append(server.get("/pipelines/uses-secret/executions", "reader-token").body());
    try (Sse logs = sse("/executions/" + id + "/logs?stage=deploy&follow=false", null)) {
      logs.until(e -> e.name().equals("end")).forEach(e -> everything.append(e.data()));
    }
    try (Sse events = sse("/executions/" + id + "/events", null)) {
      events.until(e -> e.name().equals("ExecutionFinished")).forEach(e -> everything.append(e.data()));
    }
    everything.append(server.get("/executions/" + id + "/logs/text", "reader-token").body());
    assertThat(everything.toString()).contains("token=***").doesNotContain("tok-5ecr3t-xyz");
  }

  @Test
  void logsDownloadAsTextForAStageOrAllStagesByTime() throws Exception {
    create("""
        {"pipelinekit": 1, "id": "two-logs", "stages": [
          {"id": "first", "steps": [{"run": "printf '\\\\033[31mred one\\\\033[0m\\\\n'; seq 1 2500 | sed 's/^/first-/'"}]},
          {"id": "second", "needs": ["first"], "steps": [{"run": "echo second-a; echo second-b"}]}]}
        """);
    String id = execute("two-logs", "{}");
    finished(id);

    ApiServer.Response first = server.get("/executions/" + id + "/logs/text?stage=first", "reader-token");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.contentType()).startsWith("text/plain");
    assertThat(first.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"" + id + "-first.log\"");
    List<String> lines = first.body().lines().toList();
    // the step's header, the red line without its colour codes, then every line across the 1000-line pages
    assertThat(lines).hasSize(2502);
    assertThat(lines.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z red one");
    assertThat(lines.get(2501)).endsWith(" first-2500");

    List<String> all = server.get("/executions/" + id + "/logs/text", "reader-token").body().lines().toList();
    assertThat(all).hasSize(2502 + 3);
    assertThat(all.get(2)).endsWith(" [first] first-1");
    assertThat(all.subList(2502, 2505)).allMatch(l -> l.contains(" [second] "));
    assertThat(all.get(2504)).endsWith("[second] second-b");

    assertThat(server.get("/executions/" + id + "/logs/text?stage=nope", "reader-token").status()).isEqualTo(404);
  }
}
