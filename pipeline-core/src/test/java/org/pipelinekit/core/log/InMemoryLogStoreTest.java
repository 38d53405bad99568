package org.pipelinekit.core.log;

import org.pipelinekit.core.spi.LogStore;

class InMemoryLogStoreTest extends LogStoreCompatibilityKit {
  @Override
  protected LogStore createStore() {
    return new InMemoryLogStore();
  }
}
