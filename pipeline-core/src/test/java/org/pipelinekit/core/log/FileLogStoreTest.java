package org.pipelinekit.core.log;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.spi.LogStore;

class FileLogStoreTest extends LogStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected LogStore createStore() {
    return new FileLogStore(dir);
  }

  @Override
  protected Optional<LogStore> reopen() {
    return Optional.of(new FileLogStore(dir));
  }
}
