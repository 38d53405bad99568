package org.pipelinekit.jdbc;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.store.ExecutionStoreCompatibilityKit;

class JdbcExecutionStoreTest extends ExecutionStoreCompatibilityKit {
  private final OpenedStores stores = new OpenedStores();

  @Override
  protected ExecutionStore createStore() {
    return stores.fresh().executions();
  }

  @Override
  protected Optional<ExecutionStore> reopen() {
    return Optional.of(stores.again().executions());
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }
}
