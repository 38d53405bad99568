package org.pipelinekit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.log.LogStoreCompatibilityKit;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.LogStore;
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.jdbc.TestPostgres;

/**
 * Logs live in the tests' PostgreSQL while a run writes them, and in an S3 bucket (s3proxy) once it ends: the log kit of
 * every store, and the move itself.
 */
class S3ArchivedLogsTest extends LogStoreCompatibilityKit {
  private final List<AutoCloseable> opened = new ArrayList<>();
  private String database;
  private String bucketName;
  private JdbcStores db;

  @Override
  protected LogStore createStore() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    database = pg.newDatabase();
    bucketName = TestS3.shared().newBucketName();
    return open();
  }

  @Override
  protected Optional<LogStore> reopen() throws Exception {
    return Optional.of(open());
  }

  private LogStore open() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    db = JdbcStores.open(pg.url(database), pg.user(), "");
    S3Bucket bucket = S3Bucket.connect(TestS3.shared().endpoint, "us-east-1", TestS3.ACCESS, TestS3.SECRET, bucketName, "ci/");
    opened.add(db);
    opened.add(bucket);
    return new S3ArchivedLogs(db.logs(), bucket);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) c.close();
  }

  @Test
  void anEndedExecutionsLinesMoveToTheBucket_andReadTheSame() {
    List<LogLine> lines = new ArrayList<>();
    for (int i = 1; i <= 25_000; i++) lines.add(new LogLine("build", i, Instant.ofEpochMilli(1_700_000_000_000L + i), "build", 1, "line " + i));
    lines.forEach(l -> store.append("e9", l));
    store.append("e9", new LogLine("test", 1, Instant.ofEpochMilli(1_700_000_000_000L), "test[os=linux]", 2, "ünïcødé \u001b[31mred\u001b[0m"));
    store.finish("e9");
    assertThat(db.logs().count("e9", "build")).as("gone from the database").isZero();
    assertThat(store.count("e9", "build")).isEqualTo(25_000);
    assertThat(store.read("e9", "build", 24_990, 100)).isEqualTo(lines.subList(24_989, 25_000));
    assertThat(store.read("e9", "test", 1, 10)).singleElement().satisfies(l -> {
      assertThat(l.text()).isEqualTo("ünïcødé \u001b[31mred\u001b[0m");
      assertThat(l.jobId()).isEqualTo("test[os=linux]");
      assertThat(l.attempt()).isEqualTo(2);
    });
    assertThat(store.bytes("e9")).isPositive();
    store.delete("e9");
    assertThat(store.count("e9", "build")).isZero();
  }
}
