package org.pipelinekit.core.testing;

import java.util.List;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.engine.PipelineExecutor;

/** A stage's whole log as text, for assertions (shared with other modules through the core test-jar). */
public final class StageLogs {
  private StageLogs() {}

  public static List<String> of(Execution execution, String stage) {
    return execution.logs().read(stage, 1, Integer.MAX_VALUE).stream().map(LogLine::text).toList();
  }

  public static List<String> of(PipelineExecutor executor, ExecutionSnapshot done, String stage) {
    return of(executor.execution(done.id()).orElseThrow(), stage);
  }
}
