package org.pipelinekit.cache;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileCacheStoreTest extends CacheStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected CacheStore store() {
    return new FileCacheStore(dir.resolve("cache"), clock);
  }
}
