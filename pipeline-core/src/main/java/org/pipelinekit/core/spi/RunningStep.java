package org.pipelinekit.core.spi;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** A step a {@link Runner} started. */
public interface RunningStep {

  /**
   * Completes when the step has ended and all of its output has been handed to the
   * {@link StepOutput}; never completes exceptionally (a runner failure is a {@link StepExit}).
   */
  CompletionStage<StepExit> exit();

  /**
   * Stops the step and everything it started: a polite signal first, then, after {@code grace},
   * a forced kill. Returns at once; {@link #exit()} completes when the step is gone.
   */
  void cancel(Duration grace);
}
