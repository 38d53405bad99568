package org.pipelinekit.core.engine.internal;

import java.nio.file.Path;
import java.util.ArrayDeque;

/** The directories of the executor's last failed jobs, kept for debugging; an older one is deleted when a newer one comes. */
public final class FailedWorkspaces {
  private final int keep;
  private final ArrayDeque<Path> kept = new ArrayDeque<>();

  public FailedWorkspaces(int keep) {
    this.keep = keep;
  }

  void keep(Path workspace) {
    Path evicted = null;
    synchronized (kept) {
      kept.addLast(workspace);
      if (kept.size() > keep) evicted = kept.removeFirst();
    }
    if (evicted != null) Trees.delete(evicted);
  }
}
