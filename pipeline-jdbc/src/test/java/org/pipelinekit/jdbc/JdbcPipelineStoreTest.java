package org.pipelinekit.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.pipelinekit.core.spi.PipelineStore;
import org.pipelinekit.core.store.StoreCompatibilityKit;

class JdbcPipelineStoreTest extends StoreCompatibilityKit {
  private final OpenedStores stores = new OpenedStores();

  @Override
  protected PipelineStore createStore() {
    return stores.fresh().pipelines();
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }
}
