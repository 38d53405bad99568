package org.pipelinekit.core.secret;

import org.pipelinekit.core.spi.SecretStore;

class InMemorySecretStoreTest extends SecretStoreCompatibilityKit {
  @Override
  protected SecretStore createStore() {
    return new InMemorySecretStore();
  }
}
