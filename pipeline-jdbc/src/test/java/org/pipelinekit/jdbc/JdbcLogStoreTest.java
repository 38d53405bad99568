package org.pipelinekit.jdbc;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.pipelinekit.core.log.LogStoreCompatibilityKit;
import org.pipelinekit.core.spi.LogStore;

class JdbcLogStoreTest extends LogStoreCompatibilityKit {
  private final OpenedStores stores = new OpenedStores();

  @Override
  protected LogStore createStore() {
    return stores.fresh().logs();
  }

  @Override
  protected Optional<LogStore> reopen() {
    return Optional.of(stores.again().logs());
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }
}
