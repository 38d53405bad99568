package org.pipelinekit.core.store;

import java.util.Optional;
import org.pipelinekit.core.environment.EnvironmentStore;

class InMemoryEnvironmentStoreTest extends EnvironmentStoreCompatibilityKit {
  @Override
  protected EnvironmentStore create() {
    return EnvironmentStore.inMemory();
  }

  @Override
  protected Optional<EnvironmentStore> reopen() {
    return Optional.empty();
  }
}
