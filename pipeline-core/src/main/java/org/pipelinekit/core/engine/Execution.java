package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on one execution, live or finished. Everything here returns at once.
 *
 * <pre>{@code
 * Execution e = executor.execute(pipeline, ExecutionTrigger.manual().branch("main"), Map.of());
 * e.subscribe(event -> System.out.println(event));
 * ExecutionSnapshot done = e.completion().join();
 * }</pre>
 */
public interface Execution {
  String id();

  ExecutionHeader header();

  /** The execution as it stands now. */
  ExecutionSnapshot snapshot();

  default ExecutionStatus status() {
    return snapshot().status();
  }

  default StageRun stage(String stageId) {
    return snapshot().stage(stageId);
  }

  /** Completes with the final snapshot when the execution ends; never completes exceptionally. */
  CompletableFuture<ExecutionSnapshot> completion();

  /**
   * Delivers events numbered {@code fromSequence} and later: first those already journaled, then
   * live ones, without gaps or repeats of journaled events. Log lines are delivered live only; read
   * earlier ones from {@link #logs()}.
   */
  Subscription subscribe(long fromSequence, EventListener listener);

  /** Delivers every event from the start. */
  default Subscription subscribe(EventListener listener) {
    return subscribe(1, listener);
  }

  /** The execution's logs, stored and live. */
  ExecutionLogs logs();

  /** Cancels: running steps get a polite signal, then are killed after the grace period; pending stages end CANCELLED. */
  void cancel(String reason);

  default void cancel() {
    cancel("cancelled");
  }
}
