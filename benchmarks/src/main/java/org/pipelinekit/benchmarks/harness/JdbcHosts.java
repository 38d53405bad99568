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
 * Executions per minute on PostgreSQL with 1, 2 and 3 hosts (executors with their own pools in this JVM, each running
 * the executions started on it), against one host on the file stores, and the database transactions (round trips) each
 * job costs: {@code xact_commit} of {@code pg_stat_database} before and after. The pipeline is 5 stages of
 * {@code /bin/true} in a chain; the server is the harness's own ({@link TestPostgres}, in ./target).
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
    Properties login = new Properties();
    login.setProperty("user", pg.user());
    try (Connection c = new org.postgresql.Driver().connect(pg.url(db), login); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      r.next();
      return r.getLong(1);
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
    for (int hosts = 1; hosts <= 3; hosts++) {
      String db = pg.newDatabase();
      List<JdbcStores> stores = new ArrayList<>();
      List<PipelineExecutor> executors = new ArrayList<>();
      for (int h = 0; h < hosts; h++) {
        JdbcStores s = JdbcStores.open(pg.url(db), pg.user(), "");
        stores.add(s);
        executors.add(PipelineExecutor.builder().executionStore(s.executions()).logStore(s.logs()).controlChannel(s.control())
            .runDirectory(dir.resolve("runs-" + hosts + "-" + h)).maxParallelJobs(4).build());
      }
      try {
        run(executors, 10); // warm-up
        long before = commits(pg, db);
        double perMinute = run(executors, executions);
        long after = commits(pg, db);
        System.out.printf(Locale.ROOT, "PostgreSQL, %d host(s): %6.0f executions/min, %.1f database transactions per job%n", hosts, perMinute,
            (after - before) / (executions * 5.0));
      } finally {
        executors.forEach(PipelineExecutor::close);
        stores.forEach(JdbcStores::close);
      }
    }
    Harness.delete(dir);
  }
}
