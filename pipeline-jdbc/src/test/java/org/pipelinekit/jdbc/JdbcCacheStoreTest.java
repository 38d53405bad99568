package org.pipelinekit.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.cache.CacheStore;
import org.pipelinekit.cache.CacheStoreCompatibilityKit;

class JdbcCacheStoreTest extends CacheStoreCompatibilityKit {
  @TempDir Path shared;
  private final OpenedStores stores = new OpenedStores();

  @Override
  protected CacheStore store() {
    return stores.fresh().cacheStore(shared.resolve("cache"), clock);
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }
}
