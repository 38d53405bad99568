package org.pipelinekit.benchmarks.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.jdbc.TestPostgres;

/**
 * Executions per minute of a cluster on PostgreSQL with 1, 2 and 3 hosts (executors with their own pools in this JVM, on
 * one job queue: the executions are started round-robin, their jobs run wherever they are claimed), against one host on
 * the file stores and one on the PostgreSQL stores that runs its jobs itself (no queue); the claim latency (a job's time
 * in the queue, from its row's {@code queued_at} to {@code claimed_at}, p50 and p99); and the database transactions
 * (round trips: every statement here commits on its own) each job costs, from {@code xact_commit} of
 * {@code pg_stat_database} before and after. The pipeline is 5 stages of {@code /bin/true} in a chain; the server is the
 * harness's own ({@link TestPostgres}, in ./target).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.JdbcHosts [executions]</pre>
 */
public final class JdbcHosts {
  private JdbcHosts() {}

  static Pipeline pipeline() {
    Pipeline.Builder b = Pipeline.builder("five");
    for (int i = 1; i <= 5; i++) {
      int n = i;
      b.stage("s" + n, s -> {
        if (n > 1) s.needs("s" + (n - 1));
        s.run("/bin/true");
      });
    }
    return b.build();
  }

  static double run(List<PipelineExecutor> hosts, int executions) {
    Pipeline p = pipeline();
    long start = System.nanoTime();
    List<CompletableFuture<ExecutionSnapshot>> all = new ArrayList<>();
    for (int i = 0; i < executions; i++) {
      Execution e = hosts.get(i % hosts.size()).execute(p);
      all.add(e.completion());
    }
    for (CompletableFuture<ExecutionSnapshot> f : all) {
      if (f.join().status() != ExecutionStatus.SUCCEEDED) throw new IllegalStateException("a run failed: " + f.join().reason());
    }
    return executions / ((System.nanoTime() - start) / 60e9);
  }

  static long commits(TestPostgres pg, String db) throws Exception {
    try (Connection c = connect(pg, db); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static Connection connect(TestPostgres pg, String db) throws java.sql.SQLException {
    Properties login = new Properties();
    login.setProperty("user", pg.user());
    return new org.postgresql.Driver().connect(pg.url(db), login);
  }

  static long lastJob(TestPostgres pg, String db) throws Exception {
    try (Connection c = connect(pg, db); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT coalesce(max(id), 0) FROM pk_job")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** p50 and p99 of the time the jobs from {@code firstJob} on waited in the queue before a host claimed them. */
  static String claimLatency(TestPostgres pg, String db, long firstJob) throws Exception {
    try (Connection c = connect(pg, db); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT"
        + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - queued_at)),"
        + " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - queued_at)) FROM pk_job WHERE id >= " + firstJob)) {
      r.next();
      return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", r.getDouble(1) * 1000, r.getDouble(2) * 1000);
    }
  }

  public static void main(String[] args) throws Exception {
    int executions = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    Path dir = Files.createTempDirectory("jdbc-hosts-");
    TestPostgres pg = TestPostgres.shared();
    try (PipelineExecutor files = PipelineExecutor.builder().dataDirectory(dir.resolve("files")).maxParallelJobs(4).build()) {
      run(List.of(files), 10); // warm-up
      System.out.printf(Locale.ROOT, "file stores, 1 host:   %6.0f executions/min%n", run(List.of(files), executions));
    }
    for (int hosts = 0; hosts <= 3; hosts++) {
      String db = pg.newDatabase();
      List<JdbcStores> stores = new ArrayList<>();
      List<PipelineExecutor> executors = new ArrayList<>();
      for (int h = 0; h < Math.max(1, hosts); h++) {
        JdbcStores s = JdbcStores.open(pg.url(db), pg.user(), "");
        stores.add(s);
        PipelineExecutor.Builder b = PipelineExecutor.builder().runDirectory(dir.resolve("runs-" + hosts)).maxParallelJobs(4);
        if (hosts == 0) {
          b.executionStore(s.executions()).logStore(s.logs()); // the stores only: this host runs its own jobs
        } else {
          b.cluster(s).hostName("host-" + h);
        }
        executors.add(b.build());
      }
      try {
        run(executors, 10); // warm-up
        long firstJob = lastJob(pg, db) + 1;
        long before = commits(pg, db);
        double perMinute = run(executors, executions);
        long after = commits(pg, db);
        String what = hosts == 0 ? "PostgreSQL stores, jobs run locally, 1 host" : "PostgreSQL job queue, " + hosts + " host(s)";
        String latency = "";
        if (hosts > 0) {
          String loaded = claimLatency(pg, db, firstJob);
          long idleFrom = lastJob(pg, db) + 1;
          for (int i = 0; i < 30; i++) run(List.of(executors.get(i % executors.size())), 1); // one at a time: slots are free
          latency = ", time in the queue with " + executions + " started at once " + loaded + ", with free slots " + claimLatency(pg, db, idleFrom);
        }
        System.out.printf(Locale.ROOT, "%-45s %6.0f executions/min, %.1f database transactions per job%s%n", what + ":", perMinute,
            (after - before) / (executions * 5.0), latency);
      } finally {
        executors.forEach(PipelineExecutor::close);
        stores.forEach(JdbcStores::close);
      }
    }
    Harness.delete(dir);
  }
}
