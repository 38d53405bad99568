package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import org.pipelinekit.core.files.FileTrees;
import java.nio.file.Path;

/** Deleting the trees of job workspaces, re-runs and hand-offs without failing (their copies are {@link FileTrees#copy}). */
public final class Trees {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trees.class);

  private Trees() {}

  /** Deletes a directory tree; a failure is logged, not thrown (a later sweep tries again). */
  public static void delete(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
