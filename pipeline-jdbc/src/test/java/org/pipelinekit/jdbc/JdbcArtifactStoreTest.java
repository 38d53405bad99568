package org.pipelinekit.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.artifacts.ArtifactStore;
import org.pipelinekit.artifacts.ArtifactStoreCompatibilityKit;

class JdbcArtifactStoreTest extends ArtifactStoreCompatibilityKit {
  @TempDir Path shared;
  private final OpenedStores stores = new OpenedStores();

  @Override
  protected ArtifactStore store() {
    return stores.fresh().artifactStore(shared.resolve("artifacts"));
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }
}
