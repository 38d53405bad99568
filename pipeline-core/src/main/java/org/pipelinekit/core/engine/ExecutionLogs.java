package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.LogLine;
import java.util.List;
import java.util.function.Consumer;

/** Reading an execution's stage logs, and following them as they grow. */
public interface ExecutionLogs {

  /** Stored lines of a stage numbered {@code fromLine} and later, at most {@code limit}. */
  List<LogLine> read(String stageId, long fromLine, int limit);

  /**
   * Delivers the stage's lines from {@code fromLine} on: stored ones first, then live ones as they
   * are written, each exactly once, in order; {@code onEnd} runs when the stage has finished and
   * every line was delivered. Lines are delivered on a delivery thread.
   */
  Subscription follow(String stageId, long fromLine, Consumer<LogLine> lines, Runnable onEnd);
}
