package org.pipelinekit.core.store;

import org.pipelinekit.core.spi.PipelineStore;

class InMemoryPipelineStoreTest extends StoreCompatibilityKit {
  @Override
  protected PipelineStore createStore() {
    return new InMemoryPipelineStore();
  }
}
