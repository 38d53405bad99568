package org.pipelinekit.core.store;

import org.pipelinekit.core.spi.ExecutionStore;

class InMemoryExecutionStoreTest extends ExecutionStoreCompatibilityKit {
  @Override
  protected ExecutionStore createStore() {
    return new InMemoryExecutionStore();
  }
}
