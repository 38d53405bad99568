package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.web.analytics.AnalyticsReport;
import org.pipelinekit.web.analytics.CostModel;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** Client disconnects, analytics with cost and budget alerts, Micrometer metrics. */
class StreamsAndAnalyticsTest {
  @TempDir static Path dir;
  static ApiServer server;
  static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
  static final PipelineKitMetrics METRICS = new PipelineKitMetrics(REGISTRY);
  static final CountDownLatch ALERTED = new CountDownLatch(1);
  static final AtomicReference<AnalyticsReport.BudgetAlert> ALERT = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    // every minute billed (no free tier, $1 a minute) and a budget of a tenth of a cent: the first run crosses it
    server = new ApiServer(dir, PipelineAnalytics.builder().costs(new CostModel(0, 1.0, 2.0, 0.10, 0.05, 0.01)).budget("deliver", 0.001),
        Duration.ofMillis(100), b -> b.listener(METRICS.listener()));
    METRICS.bindGauges(server.executor);
    server.analytics.onBudgetAlert(a -> {
      ALERT.set(a);
      ALERTED.countDown();
    });
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aClientThatDisconnectsMidStreamFreesItsStream() throws Exception {
    assertThat(server.post("/pipelines", "admin-token", """
        {"pipelinekit": 1, "id": "long-talk", "stages": [{"id": "talk", "steps": [{"run": "echo started; sleep 60"}]}]}
        """).status()).isEqualTo(201);
    String id = json(server.post("/pipelines/long-talk/execute", "admin-token", "{}")).path("id").asText();
    Sse logs = new Sse(server.http, URI.create(server.base + "/executions/" + id + "/logs?stage=talk"), "reader-token", null);
    logs.until(e -> e.data().contains("\"started\""));
    assertThat(server.servlet.openStreams()).isEqualTo(1);
    logs.close(); // the browser tab closes
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.servlet.openStreams() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the next keep-alive (every 100 ms) finds the connection gone
    }
    assertThat(server.servlet.openStreams()).as("the stream and its log subscription were released").isZero();
    server.post("/executions/" + id + "/cancel", "admin-token", "{}");
    assertThat(server.executor.execution(id).orElseThrow().completion().get(30, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.CANCELLED);
  }

  /**
   * Disconnecting while lines pour in: the stream's flush fails on one thread while the engine delivers the next line on
   * another and Jetty reports the error on a third — none may wait for another (a flush that closed the stream while
   * holding it deadlocked with the delivery holding the log follower). Five times, to give the race its chances.
   */
  @Test
  void aClientThatDisconnectsWhileLinesPourIn_freesItsStream_everyTime() throws Exception {
    var created = server.post("/pipelines", "admin-token", """
        {"pipelinekit": 1, "id": "chatty", "stages": [{"id": "talk", "steps": [{"run": "i=0; while [ $i -lt 400000 ]; do echo \\"line $i\\"; i=$((i+1)); done; sleep 60"}]}]}
        """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    for (int k = 0; k < 5; k++) {
      String id = json(server.post("/pipelines/chatty/execute", "admin-token", "{}")).path("id").asText();
      Sse logs = new Sse(server.http, URI.create(server.base + "/executions/" + id + "/logs?stage=talk"), "reader-token", null);
      logs.until(e -> e.data().contains("\"line 2000\""));
      logs.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.servlet.openStreams() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(server.servlet.openStreams()).as("round " + k + ": the stream was released").isZero();
      server.post("/executions/" + id + "/cancel", "admin-token", "{}");
      assertThat(server.executor.execution(id).orElseThrow().completion().get(30, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.CANCELLED);
    }
  }

  @Test
  void analyticsReportRatesDurationsFlakyStagesDoraCostAndSuggestions_andABudgetAlertFires() throws Exception {
    assertThat(server.post("/pipelines", "admin-token", """
        {"pipelinekit": 1, "id": "deliver", "parameters": [{"name": "fail", "default": "no"}],
         "stages": [{"id": "build", "steps": [{"run": "sleep 1; echo built"}]},
                    {"id": "test", "needs": ["build"], "retry": {"limit": 1, "backoff": {"initial": "0s"}},
                     "steps": [{"run": "[ \\"$PIPELINE_ATTEMPT\\" -ge 2 ] || exit 1"}]},
                    {"id": "deploy", "needs": ["test"], "environment": "production",
                     "steps": [{"run": "[ '${{ params.fail }}' = no ] || exit 3"}]}]}
        """).status()).isEqualTo(201);
    for (String fail : List.of("no", "no", "yes")) {
      String id = json(server.post("/pipelines/deliver/execute", "admin-token", "{\"parameters\": {\"fail\": \"" + fail + "\"}}")).path("id").asText();
      server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
    }
    assertThat(ALERTED.await(30, TimeUnit.SECONDS)).as("the budget alert fired").isTrue();
    assertThat(ALERT.get().pipelineId()).isEqualTo("deliver");
    assertThat(ALERT.get().spentUsd()).isGreaterThan(0.001);

    JsonNode r = json(server.get("/pipelines/deliver/analytics", "reader-token"));
    assertThat(r.path("executions").asInt()).isEqualTo(3);
    assertThat(r.path("succeeded").asInt()).isEqualTo(2);
    assertThat(r.path("failed").asInt()).isEqualTo(1);
    assertThat(r.path("successRate").asDouble()).isEqualTo(0.6667);
    assertThat(r.path("p95DurationMs").asLong()).isGreaterThanOrEqualTo(r.path("averageDurationMs").asLong() * 0);
    JsonNode test = null;
    for (JsonNode s : r.path("stages")) if (s.path("stage").asText().equals("test")) test = s;
    assertThat(test.path("flaky").asInt()).as("failed then passed on the retry").isEqualTo(3);
    assertThat(r.path("bottlenecks")).as("one stage: the largest share of the critical path").hasSize(1);
    JsonNode build = null;
    for (JsonNode s : r.path("stages")) if (s.path("stage").asText().equals("build")) build = s;
    assertThat(r.path("bottlenecks").get(0).asText()).as("build sleeps 1 s, the others take milliseconds").isEqualTo("build");
    assertThat(build.path("criticalShare").asDouble()).isGreaterThan(0.5);
    assertThat(r.path("dora").path("deployments").asInt()).isEqualTo(2);
    assertThat(r.path("dora").path("deploymentAttempts").asInt()).isEqualTo(3);
    assertThat(r.path("dora").path("changeFailureRate").asDouble()).isEqualTo(0.3333);
    assertThat(r.path("trends")).as("a point for every day of the 30 days (the range ends now: 31 dates)").hasSizeBetween(30, 31);
    int perDay = 0;
    for (JsonNode d : r.path("trends")) perDay += d.path("executions").asInt();
    assertThat(perDay).isEqualTo(3);
    JsonNode tokyo = json(server.get("/pipelines/deliver/analytics?from=2026-01-01&to=2026-01-08&zone=Asia/Tokyo", "reader-token"));
    assertThat(tokyo.path("trends").get(0).path("date").asText()).as("days as the viewer counts them").isEqualTo("2026-01-01");
    assertThat(tokyo.path("trends")).hasSize(8);
    assertThat(server.get("/pipelines/deliver/analytics?zone=Mars/Olympus", "reader-token").status()).isEqualTo(400);
    assertThat(r.path("cost").path("sequentialMinutes").asDouble()).isGreaterThan(0);
    assertThat(r.path("cost").path("computeUsd").asDouble()).isGreaterThan(0.001);
    assertThat(r.path("alerts")).hasSize(1);
    assertThat(r.path("suggestions").toString()).contains("the slowest stage is 'build'")
        .contains("stage 'test' waits for 'build'")
        .as("deploy after test is the point of the need").doesNotContain("stage 'deploy' waits");
    assertThat(server.get("/pipelines/deliver/analytics?from=2026-13-01", "reader-token").status()).isEqualTo(400);

    // Micrometer: counters per status and timers per stage
    assertThat(REGISTRY.find("pipelinekit.executions").tag("pipeline", "deliver").tag("status", "SUCCEEDED").counter().count()).isEqualTo(2);
    assertThat(REGISTRY.find("pipelinekit.executions").tag("pipeline", "deliver").tag("status", "FAILED").counter().count()).isEqualTo(1);
    assertThat(REGISTRY.find("pipelinekit.stage.duration").tag("stage", "build").timer().count()).isEqualTo(3);
    assertThat(REGISTRY.find("pipelinekit.jobs.running").gauge()).isNotNull();
  }

  @Test
  void aNeedWhoseFilesAreUsedIsNeverSuggestedForRemoval_andCostRatesAndBudgetsAreSetAndKept() throws Exception {
    assertThat(server.post("/pipelines", "admin-token", """
        {"pipelinekit": 1, "id": "hands-files",
         "stages": [{"id": "compile", "steps": [{"run": "sleep 1; mkdir -p out; echo x > out/app"}], "artifacts": {"paths": ["out/"]}},
                    {"id": "package", "needs": ["compile"], "steps": [{"run": "cat out/app"}]}]}
        """).status()).isEqualTo(201);
    String id = json(server.post("/pipelines/hands-files/execute", "admin-token", "{}")).path("id").asText();
    assertThat(server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode r = json(server.get("/pipelines/hands-files/analytics", "reader-token"));
    assertThat(r.path("suggestions").toString()).as("package starts with compile's artifacts").doesNotContain("waits for");
    assertThat(r.path("costModel").path("freeMinutesPerMonth").asDouble()).isZero();

    ApiServer.Response set = server.send("PUT", "/analytics/settings", "admin-token", "application/json",
        "{\"pricePerMinute\": 0.008, \"freeMinutesPerMonth\": 2000, \"budgets\": {\"hands-files\": 25}}", java.util.Map.of());
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(json(server.get("/analytics/settings", "reader-token")).path("pricePerMinute").asDouble()).isEqualTo(0.008);
    assertThat(json(server.get("/pipelines/hands-files/analytics", "reader-token")).path("costModel").path("budgets").path("hands-files").asDouble())
        .isEqualTo(25);
    assertThat(server.send("PUT", "/analytics/settings", "admin-token", "application/json", "{\"pricePerMinute\": -1}", java.util.Map.of())
        .status()).isEqualTo(400);
    assertThat(server.send("PUT", "/analytics/settings", "reader-token", "application/json", "{\"pricePerMinute\": 1}", java.util.Map.of())
        .status()).as("setting prices is not reading").isEqualTo(403);
    assertThat(server.analytics.costs().pricePerMinute()).isEqualTo(0.008);
    server.analytics.updateSettings(new CostModel(0, 1.0, 2.0, 0.10, 0.05, 0.01), java.util.Map.of("deliver", 0.001)); // as the other test has it
  }

  @Test
  void costSettingsAreKeptInTheSettingsFileAcrossARestart(@TempDir Path files) {
    Path file = files.resolve("analytics-settings.json");
    PipelineAnalytics.builder().settingsFile(file).build().updateSettings(new CostModel(100, 0.02, 1.5, 0.1, 0.05, 0.01), java.util.Map.of("*", 40.0));
    PipelineAnalytics again = PipelineAnalytics.builder().settingsFile(file).build();
    assertThat(again.costs()).isEqualTo(new CostModel(100, 0.02, 1.5, 0.1, 0.05, 0.01));
    assertThat(again.budgets()).containsEntry("*", 40.0);
  }
}
