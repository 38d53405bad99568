package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.web.analytics.CostModel;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/**
 * Governance in the analytics: a budget that acts (once a pipeline has spent its month's budget, new runs are refused,
 * saying why, until it is raised), and the failures quality gates made.
 */
class BudgetEnforcementTest {
  @TempDir Path dir;

  @Test
  void aSpentBudgetRefusesNewRunsWhileEnforced() throws Exception {
    // $60 a build minute, nothing free: a run of a tenth of a second costs about $0.10, over the budget of $0.01
    PipelineAnalytics.Builder analytics = PipelineAnalytics.builder().costs(new CostModel(0, 60.0, 1.0, 0, 0, 0)).budget("pricey", 0.01)
        .enforceBudgets(true).settingsFile(dir.resolve("analytics-settings.json"));
    try (ApiServer server = new ApiServer(dir, analytics, Duration.ofSeconds(15))) {
      assertThat(server.post("/pipelines", "admin-token", """
          {"pipelinekit": 1, "id": "pricey", "stages": [{"id": "build", "steps": [{"run": "sleep 0.1"}]}]}
          """).status()).isEqualTo(201);
      ApiServer.Response first = server.post("/pipelines/pricey/execute", "admin-token", "{}");
      assertThat(first.status()).as("nothing spent yet").isEqualTo(202);
      server.executor.execution(json(first).path("id").asText()).orElseThrow().completion().get(60, TimeUnit.SECONDS);

      ApiServer.Response refused = server.post("/pipelines/pricey/execute", "admin-token", "{}");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(json(refused).path("detail").asText()).matches("pipeline pricey has spent \\$0\\.\\d\\d of its \\$0\\.01 budget for \\d{4}-\\d\\d,"
          + " and budgets are enforced: new runs are refused until \\d{4}-\\d\\d-01 \\(raise the budget, or stop enforcing it, on the analytics page\\)");
      assertThat(server.executor.executions("pricey", 10)).as("the refused run was not stored").hasSize(1);
      assertThat(json(server.get("/analytics/settings", "admin-token")).path("enforceBudgets").asBoolean()).isTrue();

      ApiServer.Response off = server.send("PUT", "/analytics/settings", "admin-token", "application/json", "{\"enforceBudgets\": false}", Map.of());
      assertThat(off.status()).as(off.body()).isEqualTo(200);
      assertThat(server.post("/pipelines/pricey/execute", "admin-token", "{}").status()).isEqualTo(202);
      assertThat(server.send("PUT", "/analytics/settings", "admin-token", "application/json", "{\"enforceBudgets\": \"yes\"}", Map.of())
          .status()).isEqualTo(400);
    }
    // the choice is kept with the other settings (read below)
    assertThat(PipelineAnalytics.builder().settingsFile(dir.resolve("analytics-settings.json")).build().enforceBudgets()).isFalse();
  }

  @Test
  void aSpentProjectBudgetRefusesEveryPipeline_andTheCostsAreAllocatedByPipeline() throws Exception {
    // $60 a build minute: each run of sleep 0.1 costs about $0.10; the project may spend $0.15 a month
    PipelineAnalytics.Builder analytics = PipelineAnalytics.builder().costs(new CostModel(0, 60.0, 1.0, 0, 0, 0)).budget("cheap", 5)
        .enforceBudgets(true).settingsFile(dir.resolve("analytics-settings.json"));
    try (ApiServer server = new ApiServer(dir, analytics, Duration.ofSeconds(15))) {
      for (String id : java.util.List.of("cheap", "other")) {
        assertThat(server.post("/pipelines", "admin-token", "{\"pipelinekit\": 1, \"id\": \"" + id
            + "\", \"stages\": [{\"id\": \"build\", \"steps\": [{\"run\": \"sleep 0.1\"}]}]}").status()).isEqualTo(201);
      }
      ApiServer.Response set = server.send("PUT", "/analytics/settings", "admin-token", "application/json", "{\"projectBudget\": 0.15}", Map.of());
      assertThat(set.status()).as(set.body()).isEqualTo(200);
      assertThat(json(set).path("projectBudget").asDouble()).isEqualTo(0.15);
      for (String id : java.util.List.of("cheap", "other")) {
        ApiServer.Response r = server.post("/pipelines/" + id + "/execute", "admin-token", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        server.executor.execution(json(r).path("id").asText()).orElseThrow().completion().get(60, TimeUnit.SECONDS);
      }
      // cheap is far below its own $5 budget, but the project has spent its $0.15
      ApiServer.Response refused = server.post("/pipelines/cheap/execute", "admin-token", "{}");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(json(refused).path("detail").asText()).matches("this project's pipelines have spent \\$0\\.\\d\\d of its \\$0\\.15 budget for"
          + " \\d{4}-\\d\\d, and budgets are enforced: new runs are refused until \\d{4}-\\d\\d-01 \\(raise the project's budget, or stop"
          + " enforcing budgets, on the analytics page\\)");

      var costs = json(server.get("/analytics/costs", "admin-token"));
      assertThat(costs.path("projectBudgetUsd").asDouble()).isEqualTo(0.15);
      assertThat(costs.path("pipelines")).hasSize(2);
      double sum = 0;
      for (var row : costs.path("pipelines")) {
        assertThat(row.path("runs").asInt()).isEqualTo(1);
        assertThat(row.path("totalUsd").asDouble()).isPositive();
        sum += row.path("totalUsd").asDouble();
      }
      assertThat(costs.path("totalUsd").asDouble()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-9)).isGreaterThanOrEqualTo(0.15);
      assertThat(costs.path("pipelines").get(0).path("totalUsd").asDouble()).as("most first")
          .isGreaterThanOrEqualTo(costs.path("pipelines").get(1).path("totalUsd").asDouble());
      assertThat(server.get("/analytics/costs?month=2026-13", "admin-token").status()).isEqualTo(400);
      assertThat(json(server.get("/analytics/costs?month=2020-01", "admin-token")).path("pipelines")).isEmpty();
    }
    assertThat(PipelineAnalytics.builder().settingsFile(dir.resolve("analytics-settings.json")).build().projectBudget()).contains(0.15);
  }

  @Test
  void analyticsCountTheFailuresAQualityGateMade() throws Exception {
    try (ApiServer server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15))) {
      assertThat(server.post("/pipelines", "admin-token", """
          {"pipelinekit": 1, "id": "gated", "parameters": [{"name": "coverage", "default": "90"}],
           "stages": [{"id": "test", "steps": [{"run": "echo coverage=${{ params.coverage }} >> \\"$PIPELINE_OUTPUT\\""}],
                       "gates": {"coverage": "outputs.coverage >= 80"}}]}
          """).status()).isEqualTo(201);
      for (String coverage : java.util.List.of("90", "70", "75")) {
        String id = json(server.post("/pipelines/gated/execute", "admin-token", "{\"parameters\": {\"coverage\": \"" + coverage + "\"}}"))
            .path("id").asText();
        server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
      }
      var stage = json(server.get("/pipelines/gated/analytics", "admin-token")).path("stages").get(0);
      assertThat(stage.path("failures").asInt()).isEqualTo(2);
      assertThat(stage.path("gateFailures").asInt()).isEqualTo(2);
      ApiServer.Response run = server.get("/executions/gated-2", "admin-token");
      assertThat(run.body()).contains("quality gate 'coverage' does not hold: outputs.coverage >= 80 (outputs.coverage is 70)");
    }
  }

  @Test
  void eachAlertThresholdAlertsOnceAMonth() throws Exception {
    // at $1 a second a run of sleep 0.1 costs $0.10 or more: past 50% of $0.15 after the first run, past 100% by the third
    PipelineAnalytics.Builder analytics = PipelineAnalytics.builder().costs(new CostModel(0, 60.0, 1.0, 0, 0, 0)).budget("watched", 0.15)
        .alertThresholds(100, 50);
    try (ApiServer server = new ApiServer(dir, analytics, Duration.ofSeconds(15))) {
      assertThat(json(server.get("/analytics/settings", "admin-token")).path("alertThresholds").toString()).isEqualTo("[50,100]");
      assertThat(server.post("/pipelines", "admin-token", """
          {"pipelinekit": 1, "id": "watched", "stages": [{"id": "build", "steps": [{"run": "sleep 0.1"}]}]}
          """).status()).isEqualTo(201);
      for (int run = 1; run <= 3; run++) {
        String id = json(server.post("/pipelines/watched/execute", "admin-token", "{}")).path("id").asText();
        server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
        server.analytics.checkBudget("watched"); // (what the listener does at the end; here, before the assertion)
        if (run == 1) assertThat(server.analytics.alerts()).extracting(a -> a.percent()).contains(50);
      }
      assertThat(server.analytics.alerts()).extracting(a -> a.percent()).as("each threshold once").containsExactlyInAnyOrder(50, 100);
      assertThat(json(server.get("/pipelines/watched/analytics", "admin-token")).path("alerts")).extracting(a -> a.path("percent").asInt())
          .containsExactlyInAnyOrder(50, 100);
      assertThat(server.send("PUT", "/analytics/settings", "admin-token", "application/json", "{\"alertThresholds\": [0]}", Map.of()).status())
          .isEqualTo(400);
    }
  }
}
