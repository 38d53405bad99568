package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;

/** Hosts that share a job queue on PostgreSQL: every job runs once, somewhere its labels allow, and is stopped from anywhere. */
class JobQueueTest {
  @TempDir Path dir;
  private final OpenedStores stores = new OpenedStores();
  private final List<PipelineExecutor> hosts = new ArrayList<>();

  @AfterEach
  void close() {
    hosts.forEach(PipelineExecutor::close);
    stores.closeAll();
  }

  private PipelineExecutor host(JdbcStores db, String name, int slots, Set<String> labels) {
    PipelineExecutor e = PipelineExecutor.builder().cluster(db).hostName(name).hostLabels(labels).maxParallelJobs(slots)
        .runDirectory(dir.resolve("runs")).build();
    hosts.add(e);
    return e;
  }

  private static List<String> hostsThatRan(JdbcStores db, String stageId) throws Exception {
    List<String> out = new ArrayList<>();
    try (var c = java.sql.DriverManager.getConnection(TestPostgres.shared().url(currentDatabase(db)), TestPostgres.shared().user(), "");
        var s = c.prepareStatement("SELECT host FROM pk_job WHERE stage_id = ? AND state = 'DONE' ORDER BY id")) {
      s.setString(1, stageId);
      try (var r = s.executeQuery()) {
        while (r.next()) out.add(r.getString(1));
      }
    }
    return out;
  }

  private static String currentDatabase(JdbcStores db) {
    return DATABASES.get(db);
  }

  private static final Map<JdbcStores, String> DATABASES = new java.util.concurrent.ConcurrentHashMap<>();

  private JdbcStores fresh() {
    JdbcStores db = stores.fresh();
    DATABASES.put(db, stores.database());
    return db;
  }

  private JdbcStores again() {
    JdbcStores db = stores.again();
    DATABASES.put(db, stores.database());
    return db;
  }

  @Test
  void theJobsOfExecutionsStartedOnTwoHostsRunOnAllThree_eachOnce_andHandTheirFilesOn() throws Exception {
    JdbcStores a = fresh();
    PipelineExecutor hostA = host(a, "a", 2, Set.of());
    PipelineExecutor hostB = host(again(), "b", 2, Set.of());
    host(again(), "c", 2, Set.of());
    Path ran = dir.resolve("ran.txt");
    HandoffChain.runTwelve(hostA, hostB, ran, 120);
    List<String> where = new ArrayList<>();
    for (String stage : List.of("s1", "s2", "s3", "s4", "s5", "check")) where.addAll(hostsThatRan(a, stage));
    assertThat(where).hasSize(12 * 6);
    assertThat(Set.copyOf(where)).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aStageRunsOnlyOnAHostWithAllItsLabels_andOneNoHostCanRunWaitsUntilCancelled() throws Exception {
    JdbcStores a = fresh();
    PipelineExecutor plain = host(a, "plain", 2, Set.of());
    // the other host joins with nothing but the service's DataSource
    org.postgresql.ds.PGSimpleDataSource pool = new org.postgresql.ds.PGSimpleDataSource();
    pool.setURL(TestPostgres.shared().url(stores.database()));
    pool.setUser(TestPostgres.shared().user());
    hosts.add(PipelineExecutor.builder().dataSource(pool).hostName("docker-host").hostLabels(List.of("docker", "os=linux"))
        .runDirectory(dir.resolve("runs")).build());
    Pipeline p = Pipeline.builder("labels").stage("anywhere", s -> s.run("true"))
        .stage("in-docker", s -> s.needs("anywhere").runsOn("docker", "os=linux").run("true")).build();
    for (int i = 0; i < 4; i++) {
      assertThat(plain.execute(p, ExecutionTrigger.manual(), Map.of()).completion().get(60, TimeUnit.SECONDS).status())
          .isEqualTo(ExecutionStatus.SUCCEEDED);
    }
    assertThat(hostsThatRan(a, "in-docker")).hasSize(4).containsOnly("docker-host");

    Pipeline gpu = Pipeline.builder("gpu").stage("train", s -> s.runsOn("gpu").run("true")).build();
    CompletableFuture<Void> queued = new CompletableFuture<>();
    Execution waiting = plain.execute(gpu, ExecutionTrigger.manual(), Map.of(), e -> {
      if (e instanceof ExecutionEvent.StageStarted) queued.complete(null);
    });
    queued.get(30, TimeUnit.SECONDS);
    waiting.cancel("no host has a GPU");
    ExecutionSnapshot done = waiting.completion().get(30, TimeUnit.SECONDS);
    assertThat(done.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(done.stage("train").status()).isEqualTo(StageStatus.CANCELLED);
  }

  @Test
  void aCancelOnTheSchedulingHostStopsTheJobOnTheHostThatRunsIt_andItsLogStreamsFromTheScheduler() throws Exception {
    JdbcStores a = fresh();
    PipelineExecutor scheduler = host(a, "scheduler", 2, Set.of());
    host(again(), "worker", 2, Set.of("worker"));
    Path started = dir.resolve("started");
    Pipeline p = Pipeline.builder("long").stage("wait", s -> s.runsOn("worker")
        .run("for i in 1 2 3 4 5; do echo line $i; done; touch '" + started + "'; sleep 60; echo never")).build();
    Execution e = scheduler.execute(p, ExecutionTrigger.manual(), Map.of());
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CompletableFuture<Void> fifth = new CompletableFuture<>();
    try (var follow = e.logs().follow("wait", 1, l -> {
      lines.add(l.text());
      if (l.text().equals("line 5")) fifth.complete(null);
    }, () -> ended.complete(null))) {
      fifth.get(60, TimeUnit.SECONDS);
      e.cancel("enough");
      ExecutionSnapshot done = e.completion().get(30, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(done.stage("wait").jobs().get(0).status()).isEqualTo(StageStatus.CANCELLED);
      ended.get(30, TimeUnit.SECONDS);
    }
    assertThat(lines).containsSubsequence("runs on host worker", "line 1", "line 2", "line 3", "line 4", "line 5")
        .doesNotContain("never");
    assertThat(hostsThatRan(a, "wait")).containsExactly("worker");
  }

  @Test
  void aStageWaitingOnOneHostIsApprovedThroughAnother_andAConcurrencyGroupHoldsAcrossTheCluster() throws Exception {
    JdbcStores a = fresh();
    PipelineExecutor hostA = host(a, "a", 2, Set.of());
    PipelineExecutor hostB = host(again(), "b", 2, Set.of());
    Pipeline gated = Pipeline.builder("gated").stage("deploy", s -> s.approval(x -> x.approvers("ops")).run("echo deployed")).build();
    CompletableFuture<Void> waiting = new CompletableFuture<>();
    Execution e = hostA.execute(gated, ExecutionTrigger.manual(), Map.of(), ev -> {
      if (ev instanceof ExecutionEvent.ApprovalRequested) waiting.complete(null);
    });
    waiting.get(60, TimeUnit.SECONDS);
    hostB.approve(e.id(), "deploy", org.pipelinekit.core.engine.Principal.of("olga", "ops"));
    assertThat(e.completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(hostB.execution(e.id()).orElseThrow().logs().read("deploy", 1, 10)).extracting(l -> l.text()).contains("deployed");

    Path go = dir.resolve("go");
    Pipeline ship = Pipeline.builder("ship").concurrency("ship-${{ branch }}", false)
        .stage("ship", s -> s.run("echo shipping; while [ ! -f '" + go + "' ]; do sleep 0.02; done; echo shipped")).build();
    CompletableFuture<Void> firstRuns = new CompletableFuture<>();
    Execution first = hostA.execute(ship, ExecutionTrigger.manual().branch("main"), Map.of(), ev -> {
      if (ev instanceof ExecutionEvent.JobStarted) firstRuns.complete(null);
    });
    firstRuns.get(60, TimeUnit.SECONDS);
    CompletableFuture<Void> secondQueued = new CompletableFuture<>();
    Execution second = hostB.execute(ship, ExecutionTrigger.manual().branch("main"), Map.of(), ev -> {
      if (ev instanceof ExecutionEvent.ExecutionQueued) secondQueued.complete(null);
    });
    secondQueued.get(60, TimeUnit.SECONDS);
    assertThat(second.snapshot().status()).isEqualTo(ExecutionStatus.QUEUED);
    Files.writeString(go, "");
    ExecutionSnapshot one = first.completion().get(60, TimeUnit.SECONDS);
    ExecutionSnapshot two = second.completion().get(60, TimeUnit.SECONDS);
    assertThat(List.of(one.status(), two.status())).containsOnly(ExecutionStatus.SUCCEEDED);
    assertThat(two.stage("ship").startedAt().orElseThrow()).isAfterOrEqualTo(one.finishedAt().orElseThrow());
  }
}
