package org.pipelinekit.web.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What happened to a pipeline between {@code from} and {@code to}: outcomes, durations, stages
 * (bottlenecks, flaky ones), DORA figures, daily trends, cost, budget alerts and suggestions.
 */
public record AnalyticsReport(
    String pipelineId,
    Instant from,
    Instant to,
    int executions,
    int succeeded,
    int failed,
    int cancelled,
    double successRate,
    double failureRate,
    Optional<Duration> averageDuration,
    Optional<Duration> p95Duration,
    Optional<Duration> averageQueueTime,
    List<StageStats> stages,
    /** The stage with the largest share of the critical path's time (one, or none without finished runs). */
    List<String> bottlenecks,
    Dora dora,
    List<Day> trends,
    Cost cost,
    List<BudgetAlert> alerts,
    List<String> suggestions,
    /** Tests that failed and passed without a change: on a retry, or in another run of the same commit. */
    List<FlakyTest> flakyTests) {

  /**
   * A flaky test: {@code test} (class.name, as the unit-tests stage's {@code failed_tests} lists it) of {@code stageId}, why it
   * counts as flaky ({@code "passed on a retry"}, {@code "failed and passed on commit abc1234"}), and the runs that show it.
   */
  public record FlakyTest(String stageId, String test, String why, List<String> executions) {}

  /**
   * One stage: runs, failures, durations, how often it was retried into success (flaky), how often it was on the critical
   * path, and its share of the critical path's time over all runs (0 to 1).
   */
  public record StageStats(String stageId, int runs, int failures, Optional<Duration> averageDuration, Optional<Duration> p95Duration,
      int flaky, int onCriticalPath, double criticalShare, int gateFailures) {}

  /** Deployments (executions whose deploy stage succeeded), per day, and the share of deployment attempts that failed. */
  public record Dora(int deployments, double deploymentsPerDay, int deploymentAttempts, double changeFailureRate) {}

  /** One day's executions. */
  public record Day(LocalDate date, int executions, int succeeded, Optional<Duration> averageDuration) {}

  /**
   * Build minutes (minutes with one job running, and minutes with several, which count
   * {@code parallelMultiplier} times), storage in GB-months, and dollars by the cost model.
   */
  public record Cost(double sequentialMinutes, double parallelMinutes, double billableMinutes, double freeMinutesUsed,
      double computeUsd, double artifactGbMonths, double cacheGbMonths, double logGbMonths, double storageUsd, double totalUsd) {}

  /**
   * Cost allocation for a month: each pipeline's runs, billable minutes and dollars (compute, storage, total) with its
   * budget, most first; the project's total and budget.
   */
  public record Costs(java.time.YearMonth month, double totalUsd, Optional<Double> projectBudgetUsd, List<PipelineCost> pipelines) {}

  /** One pipeline's share of a month's cost. */
  public record PipelineCost(String pipelineId, int runs, double billableMinutes, double computeUsd, double storageUsd, double totalUsd,
      Optional<Double> budgetUsd) {}

  /** A month's spending crossed its budget. */
  /** A month's spending of a pipeline reached {@code percent} of its budget (each threshold alerts once a month). */
  public record BudgetAlert(String pipelineId, java.time.YearMonth month, double budgetUsd, double spentUsd, int percent) {}
}
