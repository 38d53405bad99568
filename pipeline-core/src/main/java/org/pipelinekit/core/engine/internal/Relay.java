package org.pipelinekit.core.engine.internal;

import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ArtifactStored;
import org.pipelinekit.core.run.ExecutionEvent.CacheUsed;
import org.pipelinekit.core.run.ExecutionEvent.StepStarted;

/**
 * The events a job attempt on another host makes that its scheduler journals: its steps starting, its artifacts and
 * caches. (Its start and end the scheduler records itself; its log lines are in the shared log store already.)
 */
final class Relay {
  private Relay() {}

  static boolean carries(ExecutionEvent e) {
    return e instanceof StepStarted || e instanceof ArtifactStored || e instanceof CacheUsed;
  }

  /** The event as the scheduler's journal numbers it; its time stays the one it happened at. */
  static ExecutionEvent renumber(ExecutionEvent e, long seq) {
    if (e instanceof StepStarted x) {
      return new StepStarted(x.executionId(), seq, x.time(), x.stageId(), x.jobId(), x.attempt(), x.step(), x.runner(), x.startup());
    } else if (e instanceof ArtifactStored x) {
      return new ArtifactStored(x.executionId(), seq, x.time(), x.stageId(), x.jobId(), x.name(), x.artifactId(), x.size(), x.digest(), x.url());
    } else if (e instanceof CacheUsed x) {
      return new CacheUsed(x.executionId(), seq, x.time(), x.stageId(), x.jobId(), x.action(), x.key(), x.matchedKey(), x.bytes(), x.took());
    }
    throw new IllegalArgumentException("a job on another host does not relay " + e.getClass().getSimpleName());
  }
}
