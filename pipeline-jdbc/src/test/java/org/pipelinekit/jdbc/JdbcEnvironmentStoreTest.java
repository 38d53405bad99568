package org.pipelinekit.jdbc;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.pipelinekit.core.environment.EnvironmentStore;
import org.pipelinekit.core.store.EnvironmentStoreCompatibilityKit;

class JdbcEnvironmentStoreTest extends EnvironmentStoreCompatibilityKit {
  private final OpenedStores stores = new OpenedStores();

  @Override
  protected EnvironmentStore create() {
    return stores.fresh().environments();
  }

  @Override
  protected Optional<EnvironmentStore> reopen() {
    return Optional.of(stores.again().environments());
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }
}
