package org.pipelinekit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.jdbc.HandoffChain;
import org.pipelinekit.jdbc.TestPostgres;

/**
 * The shared control plane without a shared disk: three hosts on one PostgreSQL, each with a runs directory of its own,
 * hand their jobs' files on through an S3 bucket (s3proxy), and artifacts' content lives there too. Twelve executions of a
 * five-stage chain started through two hosts run on all three, every job once, each stage finding the files of the ones
 * before it.
 */
class ClusterOnS3Test {
  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
  }

  private PipelineExecutor host(String database, String name, S3Bucket bucket) throws Exception {
    TestPostgres pg = TestPostgres.shared();
    JdbcStores db = JdbcStores.open(pg.url(database), pg.user(), "");
    opened.add(db);
    PipelineExecutor e = PipelineExecutor.builder().cluster(db).hostName(name).hostLabels(Set.of()).maxParallelJobs(2)
        .runDirectory(dir.resolve("runs-" + name)) // its own: nothing of it reaches the other hosts
        .handoffs(new S3Handoffs(bucket)).build();
    opened.add(e);
    return e;
  }

  @Test
  void jobsOnThreeHostsHandTheirFilesOnThroughTheBucket() throws Exception {
    String database = TestPostgres.shared().newDatabase();
    S3Bucket bucket = TestS3.shared().newBucket("ci/");
    opened.add(bucket);
    PipelineExecutor hostA = host(database, "a", bucket);
    PipelineExecutor hostB = host(database, "b", bucket);
    host(database, "c", bucket);
    Path ran = dir.resolve("ran.txt");
    HandoffChain.runTwelve(hostA, hostB, ran, 180);
    assertThat(bucket.list("handoff/")).as("the hand-offs are in the bucket").isNotEmpty();
    List<String> hosts = new ArrayList<>();
    try (var c = java.sql.DriverManager.getConnection(TestPostgres.shared().url(database), TestPostgres.shared().user(), "");
        var r = c.createStatement().executeQuery("SELECT DISTINCT host FROM pk_job WHERE state = 'DONE' ORDER BY host")) {
      while (r.next()) hosts.add(r.getString(1));
    }
    assertThat(hosts).as("every host ran jobs").containsExactly("a", "b", "c");
  }
}
