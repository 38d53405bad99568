package org.pipelinekit.s3;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.pipelinekit.cache.CacheStore;
import org.pipelinekit.cache.CacheStoreCompatibilityKit;
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.jdbc.TestPostgres;

/** The cache store of hosts that share no disk: entries in the tests' own PostgreSQL, archives in an S3 bucket of s3proxy. */
class S3CacheStoreTest extends CacheStoreCompatibilityKit {
  private final List<AutoCloseable> opened = new ArrayList<>();

  @Override
  protected CacheStore store() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    JdbcStores db = JdbcStores.open(pg.url(pg.newDatabase()), pg.user(), "");
    S3Bucket bucket = TestS3.shared().newBucket("");
    opened.add(db);
    opened.add(bucket);
    return db.cacheStore(new S3ArchiveStore(bucket), clock);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) c.close();
  }
}
