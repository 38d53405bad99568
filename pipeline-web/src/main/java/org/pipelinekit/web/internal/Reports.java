package org.pipelinekit.web.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import org.pipelinekit.web.analytics.AnalyticsReport;

/** Analytics reports as JSON (durations in milliseconds, money in dollars). */
final class Reports {
  private Reports() {}

  static ObjectNode json(AnalyticsReport r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("pipelineId", r.pipelineId()).put("from", r.from().toString()).put("to", r.to().toString());
    o.put("executions", r.executions()).put("succeeded", r.succeeded()).put("failed", r.failed()).put("cancelled", r.cancelled());
    o.put("successRate", r.successRate()).put("failureRate", r.failureRate());
    ms(o, "averageDurationMs", r.averageDuration());
    ms(o, "p95DurationMs", r.p95Duration());
    ms(o, "averageQueueTimeMs", r.averageQueueTime());
    ArrayNode stages = o.putArray("stages");
    for (AnalyticsReport.StageStats s : r.stages()) {
      ObjectNode so = stages.addObject().put("stage", s.stageId()).put("runs", s.runs()).put("failures", s.failures())
          .put("flaky", s.flaky()).put("onCriticalPath", s.onCriticalPath()).put("criticalShare", s.criticalShare())
          .put("gateFailures", s.gateFailures());
      ms(so, "averageDurationMs", s.averageDuration());
      ms(so, "p95DurationMs", s.p95Duration());
    }
    o.set("bottlenecks", Json.MAPPER.valueToTree(r.bottlenecks()));
    o.putObject("dora").put("deployments", r.dora().deployments()).put("deploymentsPerDay", r.dora().deploymentsPerDay())
        .put("deploymentAttempts", r.dora().deploymentAttempts()).put("changeFailureRate", r.dora().changeFailureRate());
    ArrayNode trends = o.putArray("trends");
    for (AnalyticsReport.Day d : r.trends()) {
      ObjectNode dn = trends.addObject().put("date", d.date().toString()).put("executions", d.executions()).put("succeeded", d.succeeded());
      ms(dn, "averageDurationMs", d.averageDuration());
    }
    AnalyticsReport.Cost c = r.cost();
    o.putObject("cost").put("sequentialMinutes", c.sequentialMinutes()).put("parallelMinutes", c.parallelMinutes())
        .put("billableMinutes", c.billableMinutes()).put("freeMinutesUsed", c.freeMinutesUsed()).put("computeUsd", c.computeUsd())
        .put("artifactGbMonths", c.artifactGbMonths()).put("cacheGbMonths", c.cacheGbMonths()).put("logGbMonths", c.logGbMonths())
        .put("storageUsd", c.storageUsd()).put("totalUsd", c.totalUsd());
    ArrayNode alerts = o.putArray("alerts");
    r.alerts().forEach(a -> alerts.addObject().put("month", a.month().toString()).put("budgetUsd", a.budgetUsd()).put("spentUsd", a.spentUsd())
        .put("percent", a.percent()));
    o.set("suggestions", Json.MAPPER.valueToTree(r.suggestions()));
    ArrayNode flaky = o.putArray("flakyTests");
    r.flakyTests().forEach(f -> flaky.addObject().put("stage", f.stageId()).put("test", f.test()).put("why", f.why())
        .set("executions", Json.MAPPER.valueToTree(f.executions())));
    return o;
  }

  /** A month's cost allocation. */
  static ObjectNode costs(AnalyticsReport.Costs c) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("month", c.month().toString()).put("totalUsd", c.totalUsd());
    c.projectBudgetUsd().ifPresent(b -> o.put("projectBudgetUsd", b));
    ArrayNode rows = o.putArray("pipelines");
    for (AnalyticsReport.PipelineCost p : c.pipelines()) {
      ObjectNode r = rows.addObject().put("pipelineId", p.pipelineId()).put("runs", p.runs()).put("billableMinutes", p.billableMinutes())
          .put("computeUsd", p.computeUsd()).put("storageUsd", p.storageUsd()).put("totalUsd", p.totalUsd());
      p.budgetUsd().ifPresent(b -> r.put("budgetUsd", b));
    }
    return o;
  }

  /** The cost model and budgets, as the analytics page shows and edits them. */
  static ObjectNode settings(org.pipelinekit.web.analytics.PipelineAnalytics analytics) {
    ObjectNode o = settings(analytics.costs(), analytics.budgets()).put("enforceBudgets", analytics.enforceBudgets());
    analytics.projectBudget().ifPresent(b -> o.put("projectBudget", b));
    analytics.alertThresholds().forEach(o.putArray("alertThresholds")::add);
    return o;
  }

  static ObjectNode settings(org.pipelinekit.web.analytics.CostModel m, java.util.Map<String, Double> budgets) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("freeMinutesPerMonth", m.freeMinutesPerMonth()).put("pricePerMinute", m.pricePerMinute())
        .put("parallelMultiplier", m.parallelMultiplier()).put("artifactsPerGbMonth", m.artifactsPerGbMonth())
        .put("cachePerGbMonth", m.cachePerGbMonth()).put("logsPerGbMonth", m.logsPerGbMonth());
    ObjectNode b = o.putObject("budgets");
    new java.util.TreeMap<>(budgets).forEach(b::put);
    return o;
  }

  private static void ms(ObjectNode o, String field, Optional<Duration> d) {
    d.ifPresent(x -> o.put(field, x.toMillis()));
  }
}
