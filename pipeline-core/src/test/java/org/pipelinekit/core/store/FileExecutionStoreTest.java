package org.pipelinekit.core.store;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.spi.ExecutionStore;

class FileExecutionStoreTest extends ExecutionStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected ExecutionStore createStore() {
    return new FileExecutionStore(dir);
  }

  @Override
  protected Optional<ExecutionStore> reopen() {
    return Optional.of(new FileExecutionStore(dir));
  }
}
