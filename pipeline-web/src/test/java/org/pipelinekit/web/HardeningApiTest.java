package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.testing.SmallDisk;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** What an outside probe found in the API's answers: lost updates, missing security headers, wrong statuses and bodies. */
class HardeningApiTest {
  @TempDir static Path dir;
  static ApiServer server;

  private static final String DOC = """
      {"pipelinekit": 1, "id": "%s", "stages": [{"id": "a", "steps": [{"run": "echo %s"}]}]}""";

  @BeforeAll
  static void start() throws Exception {
    server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void anUpdateWithoutARevision_isRefused_andAStaleBodyVersionToo() throws Exception {
    assertThat(server.post("/pipelines", "admin-token", DOC.formatted("guarded", "one")).status()).isEqualTo(201);
    assertThat(server.send("PUT", "/pipelines/guarded", "admin-token", "application/json", DOC.formatted("guarded", "two"),
        Map.of("If-Match", "\"1\"")).status()).isEqualTo(200);

    ApiServer.Response blind = server.send("PUT", "/pipelines/guarded", "admin-token", "application/json", DOC.formatted("guarded", "three"),
        Map.of());
    assertThat(blind.status()).isEqualTo(428);
    assertThat(json(blind).path("detail").asText()).contains("If-Match").contains("revision 2");

    String staleBody = DOC.formatted("guarded", "three").replace("\"stages\"", "\"version\": 1, \"stages\"");
    ApiServer.Response stale = server.send("PUT", "/pipelines/guarded", "admin-token", "application/json", staleBody, Map.of());
    assertThat(stale.status()).isEqualTo(412);
    String currentBody = DOC.formatted("guarded", "three").replace("\"stages\"", "\"version\": 2, \"stages\"");
    assertThat(server.send("PUT", "/pipelines/guarded", "admin-token", "application/json", currentBody, Map.of()).status()).isEqualTo(200);
    assertThat(json(server.get("/pipelines/guarded", "reader-token")).path("stages").get(0).path("steps").get(0).path("run").asText())
        .isEqualTo("echo three");
  }

  @Test
  void everyAnswer_carriesSecurityHeaders() throws Exception {
    for (ApiServer.Response r : new ApiServer.Response[] {server.get("/pipelines", "reader-token"), server.get("/pipelines", null),
        server.get("/no-such-route", "reader-token")}) {
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
      assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
      assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    }
    java.net.http.HttpResponse<String> page = server.http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(server.base.toString().replace("/api/v1", "/"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'").contains("frame-ancestors 'none'").contains("object-src 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
  }

  @Test
  void aBodyOfAnotherType_is415_sayingWhichTypes() throws Exception {
    ApiServer.Response form = server.send("POST", "/pipelines", "admin-token", "application/x-www-form-urlencoded",
        DOC.formatted("formed", "x"), Map.of());
    assertThat(form.status()).isEqualTo(415);
    assertThat(form.contentType()).startsWith("application/problem+json");
    assertThat(json(form).path("detail").asText()).contains("application/json").contains("application/yaml");
    assertThat(server.send("POST", "/pipelines/validate", "admin-token", "text/html", DOC.formatted("x", "x"), Map.of()).status())
        .isEqualTo(415);
    assertThat(server.send("POST", "/pipelines", "admin-token", "application/json; charset=utf-8", DOC.formatted("typed", "x"), Map.of())
        .status()).isEqualTo(201);
    assertThat(server.send("POST", "/pipelines", "admin-token", "text/yaml", "pipelinekit: 1\nid: yamled\nstages: [{id: a, steps: [{run: x}]}]\n",
        Map.of()).status()).isEqualTo(201);
  }

  @Test
  void aFullDisk_is507_withoutTheServersPaths_andLosesNothingStored(@TempDir Path other) throws Exception {
    try (SmallDisk disk = SmallDisk.mount(other.resolve("small"), 5);
        ApiServer small = new ApiServer(disk.dir, PipelineAnalytics.builder(), Duration.ofSeconds(15))) {
      assertThat(small.post("/pipelines", "admin-token", DOC.formatted("kept", "x")).status()).isEqualTo(201);
      disk.fill();
      ApiServer.Response full = small.post("/pipelines", "admin-token", DOC.formatted("lost", "y").replace("echo y", "echo " + "y".repeat(9000)));
      assertThat(full.status()).as(full.body()).isEqualTo(507);
      assertThat(full.contentType()).startsWith("application/problem+json");
      assertThat(json(full).path("detail").asText()).contains("disk is full").doesNotContain(disk.dir.toString());
      disk.free();
      assertThat(json(small.get("/pipelines/kept", "reader-token")).path("id").asText()).isEqualTo("kept");
    }
  }

  @Test
  void kotlinScriptsRunOnlyWhereTheHostAllowsThem(@TempDir Path other) throws Exception {
    String script = "pipeline(\"from-kts\") { stage(\"a\") { run(\"echo hi\") } }";
    assertThat(server.send("POST", "/pipelines/import?format=kotlin", "admin-token", "text/plain", script, Map.of()).status())
        .isEqualTo(403);
    try (ApiServer allowing = new ApiServer(other, PipelineAnalytics.builder(), Duration.ofSeconds(15), b -> { },
        b -> b.kotlinScripts(true))) {
      ApiServer.Response r = allowing.send("POST", "/pipelines/import?format=kotlin", "admin-token", "text/plain", script, Map.of());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
  }

  @Test
  void aStepNameWithNewlines_readsBackThroughLogsTextAndTheStream() throws Exception {
    assertThat(server.send("POST", "/pipelines", "admin-token", "application/yaml", """
        pipelinekit: 1
        id: named
        stages:
          - id: build
            steps:
              - name: |
                  deploy
                  1	0	build	1	forged record
                run: echo after
        """, Map.of()).status()).isEqualTo(201);
    String id = json(server.post("/pipelines/named/execute", "admin-token", "{}")).path("id").asText();
    server.executor.execution(id).orElseThrow().completion().get(60, java.util.concurrent.TimeUnit.SECONDS);
    ApiServer.Response text = server.get("/executions/" + id + "/logs/text?stage=build", "reader-token");
    assertThat(text.status()).as(text.body()).isEqualTo(200);
    assertThat(text.body()).contains("forged record").contains("after");
    assertThat(text.body().lines().filter(l -> l.contains("after")).count()).isEqualTo(1);
    try (Sse logs = new Sse(server.http, java.net.URI.create(server.base + "/executions/" + id + "/logs?stage=build&follow=false"),
        "reader-token", null)) {
      assertThat(logs.until(e -> e.name().equals("end"))).anySatisfy(e -> assertThat(e.data()).contains("after"));
    }
  }

  @Test
  void aClientThatReadsNothingUntilTheEnd_stillGetsEveryLineOfA200000LineLogOnce() throws Exception {
    assertThat(server.post("/pipelines", "admin-token", """
        {"pipelinekit": 1, "id": "flood", "stages": [{"id": "print",
         "steps": [{"run": "echo first; while [ ! -f '%s' ]; do sleep 0.05; done; seq 2 200000"}]}]}""".formatted(dir.resolve("go"))).status()).isEqualTo(201);
    String id = json(server.post("/pipelines/flood/execute", "admin-token", "{}")).path("id").asText();
    var execution = server.executor.execution(id).orElseThrow();
    try (Sse slow = new Sse(server.http, java.net.URI.create(server.base + "/executions/" + id + "/logs?stage=print"), "reader-token",
        null)) {
      java.nio.file.Files.writeString(dir.resolve("go"), "");
      // the client reads nothing until every line is written: the stream's buffers fill and the server's follower falls behind
      execution.completion().get(120, java.util.concurrent.TimeUnit.SECONDS);
      java.util.BitSet seen = new java.util.BitSet();
      int lines = 0;
      for (Sse.Event e = slow.next(); e != null && !e.name().equals("end"); e = slow.next()) {
        int number = Integer.parseInt(e.id());
        assertThat(seen.get(number)).as("line %d twice", number).isFalse();
        seen.set(number);
        lines++;
      }
      assertThat(lines).as("the step's header, 'first' and 2..200000").isEqualTo(200_001);
      assertThat(seen.nextClearBit(1)).isEqualTo(200_002);
    }
  }

  @Test
  void aDeepExpression_isAValidationProblem_notAServerError() throws Exception {
    String deep = DOC.formatted("deep", "x").replace("\"steps\"", "\"when\": \"" + "(".repeat(2_000) + "true" + ")".repeat(2_000)
        + "\", \"steps\"");
    ApiServer.Response r = server.post("/pipelines/validate", "admin-token", deep);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("valid").asBoolean()).isFalse();
    assertThat(json(r).path("problems").get(0).path("message").asText()).contains("nested more than 256");
  }

  @Test
  void malformedBodies_answerProblemJson_withoutParserInternals() throws Exception {
    assertThat(server.post("/pipelines", "admin-token", DOC.formatted("runs", "x")).status()).isEqualTo(201);
    ApiServer.Response r = server.post("/pipelines/runs/execute", "admin-token", "{\"parameters\": [1, 2");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body()).doesNotContain("com.fasterxml").doesNotContain("jackson").doesNotContain("Source: ")
        .doesNotContain("REDACTED");
    ApiServer.Response wrongType = server.post("/pipelines/runs/execute", "admin-token", "{\"parameters\": [1, 2]}");
    assertThat(wrongType.status()).isIn(400, 422);
    assertThat(wrongType.body()).doesNotContain("com.fasterxml").doesNotContain("java.");
  }
}
