package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Leases and fencing of the job queue: a host cut off from the database stops its job before its claim runs out, the job
 * runs again on another host as a host-loss attempt, and when the cut-off host comes back its report changes nothing;
 * the per-pipeline slot limit holds across hosts.
 */
class JobLeaseTest {
  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
  }

  /** A host's way to the database that the test can cut (every new connection waits) and restore. */
  static final class Cuttable implements DataSource {
    private final PGSimpleDataSource pg = new PGSimpleDataSource();
    private volatile CountDownLatch cut = new CountDownLatch(0);

    Cuttable(String url) {
      pg.setURL(url);
      pg.setUser(TestPostgres.shared().user());
    }

    void cut() {
      cut = new CountDownLatch(1);
    }

    void restore() {
      cut.countDown();
    }

    @Override
    public Connection getConnection() throws SQLException {
      try {
        cut.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while the database was cut off");
      }
      return pg.getConnection();
    }

    @Override public Connection getConnection(String u, String p) throws SQLException { return getConnection(); }
    @Override public PrintWriter getLogWriter() { return null; }
    @Override public void setLogWriter(PrintWriter out) { }
    @Override public void setLoginTimeout(int seconds) { }
    @Override public int getLoginTimeout() { return 0; }
    @Override public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
    @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
    @Override public boolean isWrapperFor(Class<?> iface) { return false; }
  }

  private PipelineExecutor host(DataSource ds, String name, Set<String> labels, int perPipeline) {
    JdbcStores db = JdbcStores.open(ds).jobLease(Duration.ofSeconds(1));
    opened.add(db);
    PipelineExecutor e = PipelineExecutor.builder().cluster(db).hostName(name).hostLabels(labels).maxParallelJobs(3)
        .maxParallelJobsPerPipeline(perPipeline).runDirectory(dir.resolve("runs")).build();
    opened.add(e);
    return e;
  }

  @Test
  void aHostCutOffFromTheDatabaseStopsItsJob_theJobRunsAgainElsewhere_andTheStaleReportChangesNothing() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String url = pg.url(pg.newDatabase());
    PipelineExecutor scheduler = host(new Cuttable(url), "scheduler", Set.of(), Integer.MAX_VALUE);
    Cuttable toB = new Cuttable(url);
    host(toB, "b", Set.of("worker"), Integer.MAX_VALUE);
    Path pid = dir.resolve("attempt-1.pid");
    Pipeline p = Pipeline.builder("fenced").stage("work", s -> s.runsOn("worker").retry(r -> r.limit(0)).outputs("by")
        .run("if [ \"$PIPELINE_ATTEMPT\" = 1 ]; then echo $$ > '" + pid + "'; fi; echo start-$PIPELINE_ATTEMPT;"
            + " if [ \"$PIPELINE_ATTEMPT\" = 1 ]; then sleep 60; fi;"
            + " echo by=attempt-$PIPELINE_ATTEMPT >> \"$PIPELINE_OUTPUT\"; echo done-$PIPELINE_ATTEMPT")).build();
    Execution e = scheduler.execute(p, ExecutionTrigger.manual(), Map.of());
    CompletableFuture<Void> started = new CompletableFuture<>();
    try (var follow = e.logs().follow("work", 1, l -> {
      if (l.text().equals("start-1")) started.complete(null);
    }, () -> { })) {
      started.get(60, TimeUnit.SECONDS);
    }
    long stale = Long.parseLong(Files.readString(pid).strip()); // written before the line the test waited for
    CompletableFuture<java.time.Instant> staleEnded = ProcessHandle.of(stale).orElseThrow().onExit().thenApply(h -> java.time.Instant.now());
    toB.cut(); // host b can no longer renew its claim
    host(new Cuttable(url), "c", Set.of("worker"), Integer.MAX_VALUE);
    ExecutionSnapshot done = e.completion().get(60, TimeUnit.SECONDS);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JobRun job = done.stage("work").jobs().get(0);
    assertThat(job.attempts()).as("the host-loss attempt counts even with retry limit 0").isEqualTo(2);
    assertThat(job.status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(job.outputs()).containsEntry("by", "attempt-2");

    // host b stopped its attempt itself once it could not renew the claim, before the lease ran out: never two at once
    java.time.Instant secondStarted = scheduler.execution(e.id()).orElseThrow().logs().read("work", 1, 100).stream()
        .filter(l -> l.text().equals("start-2")).findFirst().orElseThrow().time();
    assertThat(staleEnded.get(30, TimeUnit.SECONDS)).isBefore(secondStarted);
    toB.restore(); // host b is back: its end of the attempt is not written (the claim was lost)
    try (Connection c = new Cuttable(url).getConnection();
        var r = c.createStatement().executeQuery("SELECT attempt, state, host FROM pk_job ORDER BY attempt")) {
      List<String> rows = new ArrayList<>();
      while (r.next()) rows.add(r.getInt(1) + " " + r.getString(2) + " " + r.getString(3));
      assertThat(rows).containsExactly("1 LOST b", "2 DONE c");
    }
    assertThat(scheduler.execution(e.id()).orElseThrow().logs().read("work", 1, 100)).extracting(l -> l.text())
        .contains("start-1", "start-2", "done-2").doesNotContain("done-1");
  }

  @Test
  void thePerPipelineSlotLimitHoldsAcrossHosts() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String url = pg.url(pg.newDatabase());
    PipelineExecutor a = host(new Cuttable(url), "a", Set.of(), 1);
    host(new Cuttable(url), "b", Set.of(), 1);
    host(new Cuttable(url), "c", Set.of(), 1);
    Path spans = dir.resolve("spans.txt");
    Pipeline p = Pipeline.builder("one-at-a-time").stage("cells", s -> s.matrix(m -> m.axis("n", "1", "2", "3", "4", "5", "6"))
        .run("from=$(date +%s%N); sleep 0.2; echo \"$from $(date +%s%N)\" >> '" + spans + "'")).build();
    assertThat(a.execute(p, ExecutionTrigger.manual(), Map.of()).completion().get(60, TimeUnit.SECONDS).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    List<long[]> runs = Files.readAllLines(spans).stream().map(l -> l.split(" "))
        .map(x -> new long[] {Long.parseLong(x[0]), Long.parseLong(x[1])}).sorted((x, y) -> Long.compare(x[0], y[0])).toList();
    assertThat(runs).hasSize(6);
    for (int i = 1; i < runs.size(); i++) {
      assertThat(runs.get(i)[0]).as("job %d starts after job %d ended", i + 1, i).isGreaterThanOrEqualTo(runs.get(i - 1)[1]);
    }
  }
}
