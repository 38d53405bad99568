package org.pipelinekit.web.analytics;

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
  private final CostModel costs;
  private final Clock clock;
  private final Map<String, Double> budgets;
  private final StorageUsage artifactGbMonths;
  private final StorageUsage cacheGbMonths;
  private final List<Consumer<AnalyticsReport.BudgetAlert>> alertListeners = new CopyOnWriteArrayList<>();
  private final Map<String, AnalyticsReport.BudgetAlert> raised = new ConcurrentHashMap<>();
  private final int maxExecutions;
  private volatile @Nullable PipelineExecutor executor;

  private PipelineAnalytics(Builder b) {
    this.costs = b.costs;
    this.clock = b.clock;
    this.budgets = Map.copyOf(b.budgets);
    this.artifactGbMonths = b.artifactGbMonths;
    this.cacheGbMonths = b.cacheGbMonths;
    this.maxExecutions = b.maxExecutions;
    this.executor = b.executor;
  }

  public static Builder builder() {
    return new Builder();
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

  /** Checks the current month's spending of the pipeline against its budget (or the {@code *} budget). */
  public Optional<AnalyticsReport.BudgetAlert> checkBudget(String pipelineId) {
    Double budget = budgets.getOrDefault(pipelineId, budgets.get("*"));
    if (budget == null) return Optional.empty();
    YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    double spent = cost(pipelineId, snapshots(pipelineId, from, to), from, to).totalUsd();
    if (spent < budget) return Optional.empty();
    String key = pipelineId + "@" + month;
    AnalyticsReport.BudgetAlert alert = new AnalyticsReport.BudgetAlert(pipelineId, month, budget, spent);
    if (raised.putIfAbsent(key, alert) == null) alertListeners.forEach(l -> l.accept(alert));
    return Optional.of(raised.get(key));
  }

  private List<ExecutionSnapshot> snapshots(String pipelineId, Instant from, Instant to) {
    return executor().executions(pipelineId, maxExecutions).stream()
        .filter(s -> !s.header().createdAt().isBefore(from) && s.header().createdAt().isBefore(to)).toList();
  }

  public AnalyticsReport report(String pipelineId, Instant from, Instant to) {
    List<ExecutionSnapshot> runs = snapshots(pipelineId, from, to);
    List<ExecutionSnapshot> done = runs.stream().filter(s -> s.status().isFinal()).toList();
    int succeeded = (int) done.stream().filter(s -> s.status() == ExecutionStatus.SUCCEEDED).count();
    int failed = (int) done.stream().filter(s -> s.status() == ExecutionStatus.FAILED || s.status() == ExecutionStatus.TIMED_OUT).count();
    int cancelled = (int) done.stream().filter(s -> s.status() == ExecutionStatus.CANCELLED).count();
    List<Duration> durations = done.stream().map(ExecutionSnapshot::duration).flatMap(Optional::stream).toList();
    List<Duration> queue = runs.stream().filter(s -> s.startedAt().isPresent())
        .map(s -> Duration.between(s.header().createdAt(), s.startedAt().get())).toList();

    Map<String, Integer> critical = new HashMap<>();
    for (ExecutionSnapshot s : done) criticalPath(s).forEach(id -> critical.merge(id, 1, Integer::sum));
    Map<String, List<StageRun>> byStage = new LinkedHashMap<>();
    for (ExecutionSnapshot s : runs) s.stages().values().forEach(r -> byStage.computeIfAbsent(r.stageId(), k -> new ArrayList<>()).add(r));
    List<AnalyticsReport.StageStats> stages = new ArrayList<>();
    byStage.forEach((id, list) -> {
      List<StageRun> ran = list.stream().filter(r -> r.duration().isPresent() && r.status() != StageStatus.SKIPPED).toList();
      List<Duration> d = ran.stream().map(r -> r.duration().get()).toList();
      int failures = (int) list.stream().filter(r -> r.status().countsAsFailure()).count();
      int flaky = (int) list.stream().filter(r -> r.status() == StageStatus.SUCCEEDED && r.jobs().stream().anyMatch(j -> j.attempts() > 1))
          .count();
      stages.add(new AnalyticsReport.StageStats(id, ran.size(), failures, average(d), percentile(d, 95), flaky, critical.getOrDefault(id, 0)));
    });
    List<String> bottlenecks = critical.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).limit(3).map(Map.Entry::getKey).toList();

    AnalyticsReport.Dora dora = dora(done, from, to);
    List<AnalyticsReport.Day> trends = new ArrayList<>();
    Map<LocalDate, List<ExecutionSnapshot>> days = new TreeMap<>();
    for (ExecutionSnapshot s : done) days.computeIfAbsent(LocalDate.ofInstant(s.header().createdAt(), ZoneOffset.UTC), k -> new ArrayList<>()).add(s);
    days.forEach((day, list) -> trends.add(new AnalyticsReport.Day(day, list.size(),
        (int) list.stream().filter(s -> s.status() == ExecutionStatus.SUCCEEDED).count(),
        average(list.stream().map(ExecutionSnapshot::duration).flatMap(Optional::stream).toList()))));

    AnalyticsReport.Cost cost = cost(pipelineId, runs, from, to);
    List<AnalyticsReport.BudgetAlert> alerts = raised.values().stream().filter(a -> a.pipelineId().equals(pipelineId)).toList();
    return new AnalyticsReport(pipelineId, from, to, runs.size(), succeeded, failed, cancelled, rate(succeeded, done.size()),
        rate(failed, done.size()), average(durations), percentile(durations, 95), average(queue), stages, bottlenecks, dora, trends, cost,
        alerts, suggestions(pipelineId, runs, stages));
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
    for (Stage s : p.stages()) {
      String text = String.join("\n", s.steps().stream().map(st -> st.run()).toList()) + s.inputs() + s.env() + s.when().orElse("");
      for (String need : s.needs()) {
        boolean usesOutputs = text.contains("stages." + need + ".");
        AnalyticsReport.StageStats n = stats.get(need);
        if (!usesOutputs && n != null && n.averageDuration().isPresent() && n.averageDuration().get().toSeconds() >= 1) {
          out.add("stage '" + s.id() + "' waits for '" + need + "' (" + seconds(n.averageDuration().get()) + " on average) but uses none of"
              + " its outputs; if it does not need its files either, drop the need and they run in parallel");
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
    private StorageUsage artifactGbMonths = (p, from, to) -> 0.0;
    private StorageUsage cacheGbMonths = (p, from, to) -> 0.0;
    private int maxExecutions = 10_000;
    private @Nullable PipelineExecutor executor;

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

    /** A monthly budget in dollars for a pipeline, or for every pipeline without its own with {@code "*"}. */
    public Builder budget(String pipelineId, double monthlyUsd) {
      budgets.put(pipelineId, monthlyUsd);
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
