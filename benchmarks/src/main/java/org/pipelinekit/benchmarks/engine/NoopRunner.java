package org.pipelinekit.benchmarks.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;

/** A runner whose steps succeed at once without doing anything: what is left is the engine's own cost. */
public final class NoopRunner implements Runner {
  private static final CompletableFuture<StepExit> DONE = CompletableFuture.completedFuture(StepExit.SUCCESS);
  private static final RunningStep STEP = new RunningStep() {
    @Override
    public CompletionStage<StepExit> exit() {
      return DONE;
    }

    @Override
    public void cancel(Duration grace) {}
  };

  @Override
  public String id() {
    return "noop";
  }

  @Override
  public RunningStep start(StepRequest request, StepOutput output) {
    return STEP;
  }
}
