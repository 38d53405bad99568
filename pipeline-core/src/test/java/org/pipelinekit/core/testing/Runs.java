package org.pipelinekit.core.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionTrigger;

/** Running a pipeline in a test and collecting its events. */
public final class Runs {
  private Runs() {}

  /**
   * Runs the pipeline on the main branch, adding its events to {@code events}, and returns once the listener (which
   * hears events after the run's state moved on) has heard the last one, so the list is complete.
   */
  public static ExecutionSnapshot runAndHearAll(PipelineExecutor executor, Pipeline pipeline, List<ExecutionEvent> events) {
    CompletableFuture<Void> heardAll = new CompletableFuture<>();
    ExecutionSnapshot done = executor.execute(pipeline, ExecutionTrigger.manual().branch("main"), Map.of(), e -> {
      events.add(e);
      if (e instanceof ExecutionEvent.ExecutionFinished) heardAll.complete(null);
    }).completion().join();
    heardAll.orTimeout(60, TimeUnit.SECONDS).join();
    return done;
  }
}
