package org.pipelinekit.core.store;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.environment.EnvironmentStore;

class DirectoryEnvironmentStoreTest extends EnvironmentStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected EnvironmentStore create() {
    return EnvironmentStore.inDirectory(dir);
  }

  @Override
  protected Optional<EnvironmentStore> reopen() {
    return Optional.of(EnvironmentStore.inDirectory(dir));
  }
}
