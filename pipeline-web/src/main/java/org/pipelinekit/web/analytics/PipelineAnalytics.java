package org.pipelinekit.web.analytics;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.spi.StoredExecution;

/**
 * Analytics and cost of pipelines, from the executions the executor keeps: success and failure
 * rates, durations (average, p95), queue time, per-stage statistics, the stages most often on the
 * critical path, flaky stages (failed, then passed on a retry), DORA's deployment frequency and
 * change failure rate (a deploy stage is one whose type starts with {@code deploy-} or whose
 * environment is production), daily trends, cost by a {@link CostModel}, monthly budgets, and
 * suggestions.
 *
 * <p>Attach {@link #listener()} to the executor ({@code PipelineExecutor.builder().listener(...)})
 * and budget alerts fire when an execution's end pushes a month's spending over a budget.
 */
public final class PipelineAnalytics {
  private volatile CostModel costs;
  private final Clock clock;
  private volatile Map<String, Double> budgets;
  private volatile boolean enforceBudgets;
  private volatile List<Integer> alertThresholds;
  /** The monthly budget of all pipelines together (the project's), when there is one. */
  private volatile Optional<Double> projectBudget;
  private final java.nio.file.@Nullable Path settingsFile;
  private final StorageUsage artifactGbMonths;
  private final StorageUsage cacheGbMonths;
  private final List<Consumer<AnalyticsReport.BudgetAlert>> alertListeners = new CopyOnWriteArrayList<>();
  private final Map<String, AnalyticsReport.BudgetAlert> raised = new ConcurrentHashMap<>();
  private final int maxExecutions;
  private volatile @Nullable PipelineExecutor executor;

  private PipelineAnalytics(Builder b) {
    this.clock = b.clock;
    this.settingsFile = b.settingsFile;
    Optional<Settings> stored = b.settingsFile == null ? Optional.empty() : Settings.read(b.settingsFile);
    this.costs = stored.map(Settings::costs).orElse(b.costs);
    this.budgets = stored.map(Settings::budgets).orElse(Map.copyOf(b.budgets));
    this.enforceBudgets = stored.map(Settings::enforceBudgets).orElse(b.enforceBudgets);
    this.alertThresholds = stored.map(Settings::alertThresholds).orElse(List.copyOf(b.alertThresholds));
    this.projectBudget = stored.isPresent() ? stored.get().projectBudget() : b.projectBudget;
    this.artifactGbMonths = b.artifactGbMonths;
    this.cacheGbMonths = b.cacheGbMonths;
    this.maxExecutions = b.maxExecutions;
    this.executor = b.executor;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The prices reports use now. */
  public CostModel costs() {
    return costs;
  }

  /** Monthly budgets in dollars by pipeline id ({@code *}: every pipeline without its own). */
  public Map<String, Double> budgets() {
    return budgets;
  }

  /** Whether a pipeline whose monthly budget is spent gets no new runs until the next month ({@link #admission}). */
  public boolean enforceBudgets() {
    return enforceBudgets;
  }

  /**
   * Sets the prices and budgets (from the analytics page), kept in the settings file when there is one so a restart
   * keeps them; budget alerts of this month are checked again against the new budgets.
   */
  public void updateSettings(CostModel costs, Map<String, Double> budgets) {
    updateSettings(costs, budgets, enforceBudgets, alertThresholds);
  }

  /** The same, whether spent budgets refuse new runs, and the percents of a budget that alert. */
  public void updateSettings(CostModel costs, Map<String, Double> budgets, boolean enforceBudgets, List<Integer> alertThresholds) {
    updateSettings(costs, budgets, enforceBudgets, alertThresholds, projectBudget);
  }

  /** The same, and the monthly budget of all pipelines together (empty: none). */
  public void updateSettings(CostModel costs, Map<String, Double> budgets, boolean enforceBudgets, List<Integer> alertThresholds,
      Optional<Double> projectBudget) {
    Objects.requireNonNull(costs, "costs");
    Map<String, Double> copy = Map.copyOf(budgets);
    List<Integer> thresholds = thresholds(alertThresholds);
    projectBudget.ifPresent(b -> {
      if (b < 0) throw new IllegalArgumentException("the project's budget must be a number of dollars, 0 or more, got " + b);
    });
    if (settingsFile != null) new Settings(costs, copy, enforceBudgets, thresholds, projectBudget).write(settingsFile);
    this.costs = costs;
    this.budgets = copy;
    this.enforceBudgets = enforceBudgets;
    this.alertThresholds = thresholds;
    this.projectBudget = projectBudget;
    raised.clear();
  }

  /** The monthly budget of all pipelines together, when there is one. */
  public Optional<Double> projectBudget() {
    return projectBudget;
  }

  /**
   * Cost allocation: what each pipeline ran up in {@code month} (UTC), most first, and the total, against the project's
   * budget. {@code pipelineIds} are the pipelines to count (the host's store knows them; runs of deleted ones too, when
   * listed).
   */
  public AnalyticsReport.Costs costs(YearMonth month, java.util.Collection<String> pipelineIds) {
    Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    List<AnalyticsReport.PipelineCost> rows = new ArrayList<>();
    for (String id : new java.util.TreeSet<>(pipelineIds)) {
      List<ExecutionSnapshot> runs = snapshots(id, from, to);
      AnalyticsReport.Cost c = cost(id, runs, from, to);
      if (runs.isEmpty() && c.totalUsd() == 0) continue;
      rows.add(new AnalyticsReport.PipelineCost(id, runs.size(), c.billableMinutes(), c.computeUsd(), c.storageUsd(), c.totalUsd(),
          Optional.ofNullable(budgets.getOrDefault(id, budgets.get("*")))));
    }
    rows.sort(Comparator.comparingDouble(AnalyticsReport.PipelineCost::totalUsd).reversed().thenComparing(AnalyticsReport.PipelineCost::pipelineId));
    double total = rows.stream().mapToDouble(AnalyticsReport.PipelineCost::totalUsd).sum();
    return new AnalyticsReport.Costs(month, total, projectBudget, List.copyOf(rows));
  }

  /**
   * For the admission: while budgets are enforced, a project that has spent its monthly budget runs nothing more this
   * month. {@code pipelineIds} supplies the project's pipelines.
   */
  public org.pipelinekit.core.spi.Admission admission(java.util.function.Supplier<? extends java.util.Collection<String>> pipelineIds) {
    org.pipelinekit.core.spi.Admission perPipeline = admission();
    return (pipeline, trigger) -> {
      Optional<String> refused = perPipeline.refusal(pipeline, trigger);
      if (refused.isPresent() || !enforceBudgets || executor == null || projectBudget.isEmpty()) return refused;
      YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
      AnalyticsReport.Costs c = costs(month, pipelineIds.get());
      if (c.totalUsd() < projectBudget.get()) return Optional.empty();
      return Optional.of(String.format(java.util.Locale.ROOT, "this project's pipelines have spent $%.2f of its $%.2f budget for %s, and budgets"
          + " are enforced: new runs are refused until %s (raise the project's budget, or stop enforcing budgets, on the analytics page)",
          c.totalUsd(), projectBudget.get(), month, month.plusMonths(1).atDay(1)));
    };
  }

  /** Alert thresholds in order, each a percent from 1 to 1000. */
  static List<Integer> thresholds(List<Integer> percents) {
    for (int p : percents) {
      if (p < 1 || p > 1000) throw new IllegalArgumentException("an alert threshold is a percent of the budget from 1 to 1000, got " + p);
    }
    return percents.stream().distinct().sorted().toList();
  }

  /**
   * For {@code PipelineExecutor.Builder.admission}: while budgets are enforced, a pipeline that has spent its monthly budget
   * (its own, or the {@code *} one) this month is refused new runs, saying how much, until when, and what to do.
   */
  public org.pipelinekit.core.spi.Admission admission() {
    return (pipeline, trigger) -> {
      if (!enforceBudgets || executor == null) return Optional.empty();
      YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
      return spending(pipeline.id()).filter(s -> s[1] >= s[0]).map(s -> String.format(java.util.Locale.ROOT,
          "pipeline %s has spent $%.2f of its $%.2f budget for %s, and budgets are enforced: new runs are refused until %s"
              + " (raise the budget, or stop enforcing it, on the analytics page)", pipeline.id(), s[1], s[0], month,
          month.plusMonths(1).atDay(1)));
    };
  }

  /** The cost model and budgets as kept in the settings file (JSON). */
  private record Settings(CostModel costs, Map<String, Double> budgets, boolean enforceBudgets, List<Integer> alertThresholds,
      Optional<Double> projectBudget) {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static Optional<Settings> read(java.nio.file.Path file) {
      if (!java.nio.file.Files.exists(file)) return Optional.empty();
      try {
        com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(file.toFile());
        CostModel d = CostModel.DEFAULT;
        CostModel c = new CostModel(n.path("freeMinutesPerMonth").asDouble(d.freeMinutesPerMonth()),
            n.path("pricePerMinute").asDouble(d.pricePerMinute()), n.path("parallelMultiplier").asDouble(d.parallelMultiplier()),
            n.path("artifactsPerGbMonth").asDouble(d.artifactsPerGbMonth()), n.path("cachePerGbMonth").asDouble(d.cachePerGbMonth()),
            n.path("logsPerGbMonth").asDouble(d.logsPerGbMonth()));
        Map<String, Double> b = new TreeMap<>();
        n.path("budgets").fields().forEachRemaining(e -> b.put(e.getKey(), e.getValue().asDouble()));
        List<Integer> thresholds = new java.util.ArrayList<>();
        n.path("alertThresholds").forEach(x -> thresholds.add(x.asInt()));
        return Optional.of(new Settings(c, Map.copyOf(b), n.path("enforceBudgets").asBoolean(false),
            thresholds.isEmpty() ? List.of(100) : thresholds(thresholds),
            n.hasNonNull("projectBudget") ? Optional.of(n.get("projectBudget").asDouble()) : Optional.empty()));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException("the analytics settings " + file + " cannot be read (" + e.getMessage() + "); fix or remove the file", e);
      }
    }

    void write(java.nio.file.Path file) {
      com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode().put("freeMinutesPerMonth", costs.freeMinutesPerMonth())
          .put("pricePerMinute", costs.pricePerMinute()).put("parallelMultiplier", costs.parallelMultiplier())
          .put("artifactsPerGbMonth", costs.artifactsPerGbMonth()).put("cachePerGbMonth", costs.cachePerGbMonth())
          .put("logsPerGbMonth", costs.logsPerGbMonth());
      com.fasterxml.jackson.databind.node.ObjectNode b = n.putObject("budgets");
      new TreeMap<>(budgets).forEach(b::put);
      n.put("enforceBudgets", enforceBudgets);
      alertThresholds.forEach(n.putArray("alertThresholds")::add);
      projectBudget.ifPresent(amount -> n.put("projectBudget", amount));
      try {
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile(file.toAbsolutePath().getParent(), ".analytics", ".tmp");
        java.nio.file.Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot write the analytics settings " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Storage a pipeline used over a period, in GB-months. */
  @FunctionalInterface
  public interface StorageUsage {
    double gbMonths(String pipelineId, Instant from, Instant to);
  }

  /** The executor whose executions are analysed (when it was built after the analytics). */
  public void attach(PipelineExecutor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** Called with each budget alert, once per pipeline and month. */
  public void onBudgetAlert(Consumer<AnalyticsReport.BudgetAlert> listener) {
    alertListeners.add(listener);
  }

  /** Alerts raised so far. */
  public List<AnalyticsReport.BudgetAlert> alerts() {
    return List.copyOf(raised.values());
  }

  /** Checks the budget of an execution's pipeline when the execution ends. */
  public EventListener listener() {
    return event -> {
      if (event instanceof ExecutionEvent.ExecutionFinished && executor != null) {
        executor.execution(event.executionId()).ifPresent(e -> checkBudget(e.header().pipelineId()));
      }
    };
  }

  private PipelineExecutor executor() {
    PipelineExecutor e = executor;
    if (e == null) throw new IllegalStateException("no executor attached to the analytics; call attach(executor)");
    return e;
  }

  /** This month's budget of the pipeline (its own, or {@code *}) and what it has spent so far, when it has a budget. */
  private Optional<double[]> spending(String pipelineId) {
    Double budget = budgets.getOrDefault(pipelineId, budgets.get("*"));
    if (budget == null) return Optional.empty();
    YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    return Optional.of(new double[] {budget, cost(pipelineId, snapshots(pipelineId, from, to), from, to).totalUsd()});
  }

  /**
   * Checks the current month's spending of the pipeline against its budget (or the {@code *} budget): each alert threshold
   * it reached alerts once a month; the highest one reached, if any.
   */
  public Optional<AnalyticsReport.BudgetAlert> checkBudget(String pipelineId) {
    Optional<double[]> s = spending(pipelineId);
    if (s.isEmpty()) return Optional.empty();
    double budget = s.get()[0];
    double spent = s.get()[1];
    YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    AnalyticsReport.BudgetAlert highest = null;
    for (int percent : alertThresholds) {
      if (spent < budget * percent / 100.0) continue;
      String key = pipelineId + "@" + month + "@" + percent;
      AnalyticsReport.BudgetAlert alert = new AnalyticsReport.BudgetAlert(pipelineId, month, budget, spent, percent);
      if (raised.putIfAbsent(key, alert) == null) alertListeners.forEach(l -> l.accept(alert));
      highest = raised.get(key);
    }
    return Optional.ofNullable(highest);
  }

  /** The percents of a budget that alert (default 100). */
  public List<Integer> alertThresholds() {
    return alertThresholds;
  }

  private List<ExecutionSnapshot> snapshots(String pipelineId, Instant from, Instant to) {
    return executor().executions(pipelineId, maxExecutions).stream()
        .filter(s -> !s.header().createdAt().isBefore(from) && s.header().createdAt().isBefore(to)).toList();
  }

  public AnalyticsReport report(String pipelineId, Instant from, Instant to) {
    return report(pipelineId, from, to, ZoneOffset.UTC);
  }

  /**
   * The report over {@code [from, to)}; its daily trend has a point for every day of the range as the viewer's
   * {@code zone} counts days (days without executions have none).
   */
  public AnalyticsReport report(String pipelineId, Instant from, Instant to, java.time.ZoneId zone) {
    List<ExecutionSnapshot> runs = snapshots(pipelineId, from, to);
    List<ExecutionSnapshot> done = runs.stream().filter(s -> s.status().isFinal()).toList();
    int succeeded = (int) done.stream().filter(s -> s.status() == ExecutionStatus.SUCCEEDED).count();
    int failed = (int) done.stream().filter(s -> s.status() == ExecutionStatus.FAILED || s.status() == ExecutionStatus.TIMED_OUT).count();
    int cancelled = (int) done.stream().filter(s -> s.status() == ExecutionStatus.CANCELLED).count();
    List<Duration> durations = done.stream().map(ExecutionSnapshot::duration).flatMap(Optional::stream).toList();
    List<Duration> queue = runs.stream().filter(s -> s.startedAt().isPresent())
        .map(s -> Duration.between(s.header().createdAt(), s.startedAt().get())).toList();

    Map<String, Integer> critical = new HashMap<>();
    Map<String, Long> criticalMillis = new HashMap<>(); // time each stage spent on the critical path, over all runs
    for (ExecutionSnapshot s : done) {
      for (String id : criticalPath(s)) {
        critical.merge(id, 1, Integer::sum);
        Optional.ofNullable(s.stages().get(id)).flatMap(StageRun::duration).ifPresent(d -> criticalMillis.merge(id, d.toMillis(), Long::sum));
      }
    }
    long criticalTotal = criticalMillis.values().stream().mapToLong(Long::longValue).sum();
    Map<String, List<StageRun>> byStage = new LinkedHashMap<>();
    for (ExecutionSnapshot s : runs) s.stages().values().forEach(r -> byStage.computeIfAbsent(r.stageId(), k -> new ArrayList<>()).add(r));
    List<AnalyticsReport.StageStats> stages = new ArrayList<>();
    byStage.forEach((id, list) -> {
      List<StageRun> ran = list.stream().filter(r -> r.duration().isPresent() && r.status() != StageStatus.SKIPPED).toList();
      List<Duration> d = ran.stream().map(r -> r.duration().get()).toList();
      int failures = (int) list.stream().filter(r -> r.status().countsAsFailure()).count();
      int flaky = (int) list.stream().filter(r -> r.status() == StageStatus.SUCCEEDED && r.jobs().stream().anyMatch(j -> j.attempts() > 1))
          .count();
      // failures a quality gate made (its steps succeeded; what they wrote did not pass)
      int gateFailures = (int) list.stream().filter(r -> r.status().countsAsFailure()
          && r.reason().filter(why -> why.startsWith("quality gate '")).isPresent()).count();
      stages.add(new AnalyticsReport.StageStats(id, ran.size(), failures, average(d), percentile(d, 95), flaky, critical.getOrDefault(id, 0),
          criticalTotal == 0 ? 0 : rate(Math.toIntExact(Math.min(Integer.MAX_VALUE, criticalMillis.getOrDefault(id, 0L) * 10_000 / criticalTotal)), 10_000),
          gateFailures));
    });
    // the bottleneck: the stage with the largest share of the critical path's time (the chain the runs waited for)
    List<String> bottlenecks = criticalMillis.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey())).limit(1)
        .map(Map.Entry::getKey).toList();

    AnalyticsReport.Dora dora = dora(done, from, to);
    List<AnalyticsReport.Day> trends = new ArrayList<>();
    Map<LocalDate, List<ExecutionSnapshot>> days = new TreeMap<>();
    LocalDate last = LocalDate.ofInstant(to.minusMillis(1), zone);
    for (LocalDate day = LocalDate.ofInstant(from, zone); !day.isAfter(last) && days.size() < 3_700; day = day.plusDays(1)) {
      days.put(day, new ArrayList<>());
    }
    for (ExecutionSnapshot s : done) days.computeIfAbsent(LocalDate.ofInstant(s.header().createdAt(), zone), k -> new ArrayList<>()).add(s);
    days.forEach((day, list) -> trends.add(new AnalyticsReport.Day(day, list.size(),
        (int) list.stream().filter(s -> s.status() == ExecutionStatus.SUCCEEDED).count(),
        average(list.stream().map(ExecutionSnapshot::duration).flatMap(Optional::stream).toList()))));

    AnalyticsReport.Cost cost = cost(pipelineId, runs, from, to);
    List<AnalyticsReport.BudgetAlert> alerts = raised.values().stream().filter(a -> a.pipelineId().equals(pipelineId)).toList();
    return new AnalyticsReport(pipelineId, from, to, runs.size(), succeeded, failed, cancelled, rate(succeeded, done.size()),
        rate(failed, done.size()), average(durations), percentile(durations, 95), average(queue), stages, bottlenecks, dora, trends, cost,
        alerts, suggestions(pipelineId, runs, stages), flakyTests(runs));
  }

  /**
   * Tests that failed and passed with nothing changed: a test a failed attempt listed in {@code failed_tests} that the
   * attempt after it passed, and a test that failed in one run of a commit and passed in another run of the same commit
   * (a run of it read the reports — it has {@code tests} — and did not list it). Newest evidence first, one entry a test.
   */
  private List<AnalyticsReport.FlakyTest> flakyTests(List<ExecutionSnapshot> runs) {
    Map<String, AnalyticsReport.FlakyTest> found = new LinkedHashMap<>(); // stage + test → the first reason found
    // failed, then passed on a retry (the journal keeps each failed attempt's outputs)
    for (ExecutionSnapshot s : runs) {
      Optional<StoredExecution> stored = executor().stored(s.id());
      if (stored.isEmpty()) continue;
      for (ExecutionEvent e : stored.get().events()) {
        if (!(e instanceof ExecutionEvent.JobRetrying r)) continue;
        StageRun stage = s.stages().get(r.stageId());
        if (stage == null) continue;
        Optional<JobRun> job = stage.jobs().stream().filter(j -> j.jobId().equals(r.jobId())).findFirst();
        if (job.isEmpty() || job.get().status() != StageStatus.SUCCEEDED) continue;
        java.util.Set<String> stillFailing = new java.util.HashSet<>(lines(job.get().outputs().get("failed_tests")));
        for (String test : lines(r.outputs().get("failed_tests"))) {
          if (!stillFailing.contains(test)) {
            found.putIfAbsent(r.stageId() + "\n" + test, new AnalyticsReport.FlakyTest(r.stageId(), test, "passed on a retry", List.of(s.id())));
          }
        }
      }
    }
    // failed and passed on the same commit
    Map<String, List<ExecutionSnapshot>> byCommit = new LinkedHashMap<>();
    for (ExecutionSnapshot s : runs) s.header().trigger().commit().ifPresent(c -> byCommit.computeIfAbsent(c, k -> new ArrayList<>()).add(s));
    byCommit.forEach((commit, same) -> {
      if (same.size() < 2) return;
      Map<String, Map<String, String>> failedIn = new LinkedHashMap<>(); // stage + test → the run it failed in
      Map<String, Map<String, String>> passedIn = new LinkedHashMap<>();
      for (ExecutionSnapshot s : same) {
        for (StageRun stage : s.stages().values()) {
          for (JobRun j : stage.jobs()) {
            if (!j.outputs().containsKey("tests")) continue; // the job read no reports: it says nothing about a test
            java.util.Set<String> failed = new java.util.HashSet<>(lines(j.outputs().get("failed_tests")));
            failed.forEach(t -> failedIn.computeIfAbsent(stage.stageId(), k -> new LinkedHashMap<>()).putIfAbsent(t, s.id()));
            // a test the other runs saw fail, and this one read without it failing
            for (ExecutionSnapshot other : same) {
              if (other == s) continue;
              for (JobRun o : Optional.ofNullable(other.stages().get(stage.stageId())).map(StageRun::jobs).orElse(List.of())) {
                for (String t : lines(o.outputs().get("failed_tests"))) {
                  if (!failed.contains(t)) passedIn.computeIfAbsent(stage.stageId(), k -> new LinkedHashMap<>()).putIfAbsent(t, s.id());
                }
              }
            }
          }
        }
      }
      passedIn.forEach((stage, tests) -> tests.forEach((test, passedRun) -> {
        String failedRun = failedIn.getOrDefault(stage, Map.of()).get(test);
        if (failedRun == null) return;
        found.putIfAbsent(stage + "\n" + test, new AnalyticsReport.FlakyTest(stage, test,
            "failed and passed on commit " + (commit.length() > 12 ? commit.substring(0, 12) : commit), List.of(failedRun, passedRun)));
      }));
    });
    return List.copyOf(found.values());
  }

  private static List<String> lines(@Nullable String text) {
    return text == null ? List.of() : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  // ---- pieces ----

  /** The stages of the chain that ended last: from the last stage to finish, back through the need that finished last before it. */
  static List<String> criticalPath(ExecutionSnapshot s) {
    Map<String, StageRun> runs = s.stages();
    Map<String, Stage> stages = new HashMap<>();
    s.header().pipeline().stages().forEach(st -> stages.put(st.id(), st));
    Optional<StageRun> last = runs.values().stream().filter(r -> r.finishedAt().isPresent() && r.status() != StageStatus.SKIPPED)
        .max(Comparator.comparing(r -> r.finishedAt().get()));
    List<String> path = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    while (last.isPresent() && seen.add(last.get().stageId())) {
      StageRun r = last.get();
      path.add(0, r.stageId());
      Stage st = stages.get(r.stageId());
      if (st == null) break;
      last = st.needs().stream().map(runs::get).filter(Objects::nonNull).filter(n -> n.finishedAt().isPresent())
          .max(Comparator.comparing(n -> n.finishedAt().get()));
    }
    return path;
  }

  static boolean isDeploy(Stage s) {
    return s.type().startsWith("deploy-") || s.environment().map(e -> e.name().toLowerCase(java.util.Locale.ROOT))
        .filter(n -> n.equals("production") || n.equals("prod")).isPresent();
  }

  private static AnalyticsReport.Dora dora(List<ExecutionSnapshot> done, Instant from, Instant to) {
    int deployments = 0;
    int attempts = 0;
    int failedAttempts = 0;
    for (ExecutionSnapshot s : done) {
      List<String> deploys = s.header().pipeline().stages().stream().filter(PipelineAnalytics::isDeploy).map(Stage::id).toList();
      List<StageRun> ran = deploys.stream().map(id -> s.stages().get(id)).filter(Objects::nonNull)
          .filter(r -> r.status().isFinal() && r.status() != StageStatus.SKIPPED && r.status() != StageStatus.CANCELLED).toList();
      if (ran.isEmpty()) continue;
      attempts++;
      if (ran.stream().anyMatch(r -> r.status().countsAsFailure())) {
        failedAttempts++;
      } else if (ran.stream().allMatch(r -> r.status().countsAsSuccess())) {
        deployments++;
      }
    }
    double days = Math.max(1.0, Duration.between(from, to).toHours() / 24.0);
    return new AnalyticsReport.Dora(deployments, deployments / days, attempts, rate(failedAttempts, attempts));
  }

  /** Billable minutes of one execution: a sweep over its job intervals. */
  static double[] minutes(ExecutionSnapshot s) {
    List<long[]> points = new ArrayList<>();
    for (StageRun r : s.stages().values()) {
      for (JobRun j : r.jobs()) {
        if (j.startedAt().isPresent() && j.finishedAt().isPresent()) {
          points.add(new long[] {j.startedAt().get().toEpochMilli(), 1});
          points.add(new long[] {j.finishedAt().get().toEpochMilli(), -1});
        }
      }
    }
    points.sort(Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
    double sequential = 0;
    double parallel = 0;
    long running = 0;
    long at = 0;
    for (long[] p : points) {
      double span = (p[0] - at) / 60_000.0;
      if (running == 1) sequential += span;
      else if (running > 1) parallel += span;
      running += p[1];
      at = p[0];
    }
    return new double[] {sequential, parallel};
  }

  private AnalyticsReport.Cost cost(String pipelineId, List<ExecutionSnapshot> runs, Instant from, Instant to) {
    Map<YearMonth, Double> perMonth = new TreeMap<>();
    double sequential = 0;
    double parallel = 0;
    for (ExecutionSnapshot s : runs) {
      double[] m = minutes(s);
      sequential += m[0];
      parallel += m[1];
      perMonth.merge(YearMonth.from(s.header().createdAt().atZone(ZoneOffset.UTC)), m[0] + m[1] * costs.parallelMultiplier(), Double::sum);
    }
    double billable = 0;
    double freeUsed = 0;
    for (double monthMinutes : perMonth.values()) {
      double free = Math.min(monthMinutes, costs.freeMinutesPerMonth());
      freeUsed += free;
      billable += monthMinutes - free;
    }
    double compute = billable * costs.pricePerMinute();
    double artifacts = artifactGbMonths.gbMonths(pipelineId, from, to);
    double cache = cacheGbMonths.gbMonths(pipelineId, from, to);
    double logs = 0;
    Instant now = clock.instant();
    for (ExecutionSnapshot s : runs) {
      long bytes = executor().logBytes(s.id());
      if (bytes <= 0) continue;
      Instant start = s.header().createdAt().isAfter(from) ? s.header().createdAt() : from;
      Instant end = to.isBefore(now) ? to : now;
      if (end.isAfter(start)) logs += bytes / 1e9 * Duration.between(start, end).toMillis() / (double) Duration.ofDays(30).toMillis();
    }
    double storage = artifacts * costs.artifactsPerGbMonth() + cache * costs.cachePerGbMonth() + logs * costs.logsPerGbMonth();
    return new AnalyticsReport.Cost(round(sequential), round(parallel), round(billable + freeUsed), round(freeUsed), money(compute),
        artifacts, cache, logs, money(storage), money(compute + storage));
  }

  private List<String> suggestions(String pipelineId, List<ExecutionSnapshot> runs, List<AnalyticsReport.StageStats> stages) {
    List<String> out = new ArrayList<>();
    if (runs.isEmpty()) return out;
    Pipeline p = runs.get(0).header().pipeline();
    Map<String, AnalyticsReport.StageStats> stats = stages.stream().collect(Collectors.toMap(AnalyticsReport.StageStats::stageId, x -> x));
    Map<String, Stage> byId = p.stages().stream().collect(Collectors.toMap(Stage::id, x -> x));
    for (Stage s : p.stages()) {
      if (p.workspace() == org.pipelinekit.core.model.WorkspaceMode.SHARED || gate(s)) continue; // files or order are the point
      String text = String.join("\n", s.steps().stream().map(st -> st.run()).toList()) + s.inputs() + s.env() + s.when().orElse("");
      for (String need : s.needs()) {
        boolean usesOutputs = text.contains("stages." + need + ".") || text.contains("needs." + need + ".");
        AnalyticsReport.StageStats n = stats.get(need);
        if (!usesOutputs && !handsFiles(need, s, byId) && n != null && n.averageDuration().isPresent()
            && n.averageDuration().get().toSeconds() >= 1) {
          out.add("stage '" + s.id() + "' waits for '" + need + "' (" + seconds(n.averageDuration().get()) + " on average) but reads neither"
              + " its outputs nor any files from it (it and the stages before it keep no artifacts); drop the need and they run in parallel");
        }
      }
    }
    Map<String, int[]> caches = new LinkedHashMap<>();
    for (ExecutionSnapshot s : runs) {
      Optional<StoredExecution> stored = executor().stored(s.id());
      stored.ifPresent(st -> st.events().forEach(e -> {
        if (e instanceof ExecutionEvent.CacheUsed c && !c.action().equals("saved") && !c.action().equals("not-saved")) {
          int[] hm = caches.computeIfAbsent(c.stageId(), k -> new int[2]);
          if (c.action().endsWith("hit")) hm[0]++;
          else hm[1]++;
        }
      }));
    }
    caches.forEach((stage, hm) -> {
      if (hm[0] == 0 && hm[1] >= 3) {
        out.add("the cache of stage '" + stage + "' never hit in " + hm[1] + " runs; its key probably changes every run"
            + " (hash only the files that decide its content, and add restore keys)");
      }
    });
    stages.stream().filter(x -> x.averageDuration().isPresent()).max(Comparator.comparing(x -> x.averageDuration().get()))
        .ifPresent(slowest -> {
          double total = stages.stream().flatMap(x -> x.averageDuration().stream()).mapToLong(Duration::toMillis).sum();
          long pct = total == 0 ? 0 : Math.round(100 * slowest.averageDuration().get().toMillis() / total);
          out.add("the slowest stage is '" + slowest.stageId() + "' (" + seconds(slowest.averageDuration().get()) + " on average, " + pct
              + "% of stage time); split it, cache its inputs or memoize it");
        });
    return out;
  }

  /** A stage whose needs are its guard: it deploys, has an environment or waits for approval (deploy after test). */
  private static boolean gate(Stage s) {
    return isDeploy(s) || s.environment().isPresent() || s.approval().isPresent();
  }

  /**
   * Whether {@code stage}'s jobs start with files from {@code need}: artifacts kept by it or by a stage before it, that
   * {@code stage} takes (every stage it needs, or its {@code dependencies}).
   */
  private static boolean handsFiles(String need, Stage stage, Map<String, Stage> byId) {
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(List.of(need));
    Set<String> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      String id = todo.pop();
      Stage st = byId.get(id);
      if (st == null || !seen.add(id)) continue;
      boolean taken = stage.dependencies().map(d -> d.contains(id)).orElse(true);
      if (taken && st.artifacts().isPresent()) return true;
      todo.addAll(st.needs());
    }
    return false;
  }

  // ---- arithmetic ----

  private static Optional<Duration> average(Collection<Duration> ds) {
    return ds.isEmpty() ? Optional.empty() : Optional.of(Duration.ofMillis(Math.round(ds.stream().mapToLong(Duration::toMillis).average().orElse(0))));
  }

  static Optional<Duration> percentile(List<Duration> ds, int p) {
    if (ds.isEmpty()) return Optional.empty();
    List<Duration> sorted = ds.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return Optional.of(sorted.get(Math.max(0, Math.min(rank, sorted.size() - 1))));
  }

  private static double rate(int part, int whole) {
    return whole == 0 ? 0 : Math.round(part * 10_000.0 / whole) / 10_000.0;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double money(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }

  public static final class Builder {
    private CostModel costs = CostModel.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private final Map<String, Double> budgets = new HashMap<>();
    private boolean enforceBudgets;
    private List<Integer> alertThresholds = List.of(100);
    private StorageUsage artifactGbMonths = (p, from, to) -> 0.0;
    private StorageUsage cacheGbMonths = (p, from, to) -> 0.0;
    private int maxExecutions = 10_000;
    private @Nullable PipelineExecutor executor;
    private java.nio.file.@Nullable Path settingsFile;

    public Builder executor(PipelineExecutor executor) {
      this.executor = executor;
      return this;
    }

    public Builder costs(CostModel costs) {
      this.costs = Objects.requireNonNull(costs, "costs");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The percents of a budget that alert, each once a month (default 100). */
    public Builder alertThresholds(Integer... percents) {
      this.alertThresholds = thresholds(List.of(percents));
      return this;
    }

    /** Whether a spent budget refuses new runs (through {@link PipelineAnalytics#admission}); the settings file wins. */
    /** The monthly budget of all pipelines together (the project's); with budgets enforced, a spent one refuses new runs. */
    public Builder projectBudget(double monthlyUsd) {
      if (monthlyUsd < 0) throw new IllegalArgumentException("a budget is 0 or more dollars, got " + monthlyUsd);
      this.projectBudget = Optional.of(monthlyUsd);
      return this;
    }

    private Optional<Double> projectBudget = Optional.empty();

    public Builder enforceBudgets(boolean enforce) {
      this.enforceBudgets = enforce;
      return this;
    }

    /** A monthly budget in dollars for a pipeline, or for every pipeline without its own with {@code "*"}. */
    public Builder budget(String pipelineId, double monthlyUsd) {
      budgets.put(pipelineId, monthlyUsd);
      return this;
    }

    /**
     * Where the cost model and budgets set from the analytics page are kept (JSON); when the file exists it wins over
     * {@link #costs} and {@link #budget}.
     */
    public Builder settingsFile(java.nio.file.Path file) {
      this.settingsFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Artifact storage per pipeline in GB-months over a period (pipeline-artifacts: {@code gigabyteMonths}). */
    public Builder artifactStorage(StorageUsage gbMonths) {
      this.artifactGbMonths = Objects.requireNonNull(gbMonths, "gbMonths");
      return this;
    }

    public Builder cacheStorage(StorageUsage gbMonths) {
      this.cacheGbMonths = Objects.requireNonNull(gbMonths, "gbMonths");
      return this;
    }

    /** How many of a pipeline's newest executions a report reads at most (default 10,000). */
    public Builder maxExecutions(int max) {
      this.maxExecutions = max;
      return this;
    }

    public PipelineAnalytics build() {
      return new PipelineAnalytics(this);
    }
  }
}
