package org.pipelinekit.artifacts;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest extends ArtifactStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected ArtifactStore store() {
    return new FileArtifactStore(dir.resolve("artifacts"));
  }
}
