package org.pipelinekit.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * A step done inside the host's JVM instead of by a runner: cloning with JGit, an HTTP call,
 * reading test reports. Must not block the calling thread for long; long work goes on its own
 * executor. Cancellation arrives through {@link #cancel()}.
 */
public interface StepAction {
  CompletionStage<StepExit> run(StepContext context);

  /** Stops the action if it is running; the default does nothing (short actions just finish). */
  default void cancel() {}
}
