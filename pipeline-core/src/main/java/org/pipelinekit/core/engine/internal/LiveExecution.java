package org.pipelinekit.core.engine.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionLogs;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionQueued;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;

/**
 * A running execution as its callers see it: every request (start, cancel, approve) is posted to the run's actor
 * and returns at once (approve waits for the decision, to report a refusal); reads come from the event hub.
 */
public final class LiveExecution implements Execution {
  private final ExecutionRun run;

  /** A stage taken over from an earlier execution by a re-run. */
  public record Reused(String fromExecutionId, StageStatus status, Map<String, String> outputs) {}

  public LiveExecution(EngineServices services, ExecutionHeader header, ExecutionPlan plan, Map<String, Reused> reused,
      Runnable onFinished) {
    this.run = new ExecutionRun(services, header, plan, reused, List.of(), onFinished);
  }

  private LiveExecution(ExecutionRun run) {
    this.run = run;
  }

  /**
   * Takes over an execution another host ran until it stopped, from its journal: what ended stays, the rest runs here
   * ({@link ExecutionRun#resumeNow}). Returns at once.
   */
  public static LiveExecution takeOver(EngineServices services, org.pipelinekit.core.spi.StoredExecution stored, ExecutionPlan plan,
      Runnable onFinished) {
    ExecutionRun run = new ExecutionRun(services, stored.header(), plan, Map.of(), stored.events(), onFinished);
    ExecutionSnapshot before = SnapshotBuilder.fold(stored.header(), stored.events());
    // one that still waited in its concurrency group waits here: its group's turn starts it (start())
    if (before.status() != org.pipelinekit.core.run.ExecutionStatus.QUEUED) run.actor().executeLater(() -> run.resumeNow(before));
    return new LiveExecution(run);
  }

  @Override
  public String id() {
    return run.id();
  }

  @Override
  public ExecutionHeader header() {
    return run.header();
  }

  @Override
  public ExecutionSnapshot snapshot() {
    return run.hub().snapshot();
  }

  @Override
  public CompletableFuture<ExecutionSnapshot> completion() {
    return run.completion();
  }

  @Override
  public Subscription subscribe(long fromSequence, EventListener listener) {
    return run.hub().subscribe(fromSequence, listener);
  }

  @Override
  public ExecutionLogs logs() {
    EngineServices services = run.services();
    return new ExecutionLogs() {
      @Override
      public List<LogLine> read(String stageId, long fromLine, int limit) {
        return services.logs().read(id(), stageId, fromLine, limit);
      }

      @Override
      public Subscription follow(String stageId, long fromLine, Consumer<LogLine> lines, Runnable onEnd) {
        if (services.jobQueue().isPresent()) {
          // its jobs write on other hosts too: the shared store has every line, in order, and only it
          return StoredView.followLog(services, id(), stageId, fromLine, lines, onEnd);
        }
        return LogFollower.follow(run.hub(), services.logs(), services.delivery(), id(), stageId, fromLine, lines, onEnd);
      }
    };
  }

  public void start() {
    run.actor().executeLater(run::startNow);
  }

  /** Announces the execution as queued (its concurrency group is busy). */
  public void queued(Optional<String> group) {
    run.actor().executeLater(() -> run.hub().publish((seq, t) -> new ExecutionQueued(id(), seq, t, group)));
  }

  @Override
  public void cancel(String reason) {
    run.actor().executeLater(() -> run.cancelNow(reason, false));
  }

  /** Cancels before the execution started (it waited in its concurrency group); a started one is cancelled as usual. */
  public void cancelQueued(String reason) {
    run.actor().executeLater(() -> run.cancelQueuedNow(reason));
  }

  /** Records a decision on a stage waiting for approval; throws what the decision was refused for (not pending, not an approver). */
  public void approve(Principal who, String stageId, boolean approved, Optional<String> comment) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    run.actor().executeLater(() -> {
      try {
        run.approvals().decide(who, stageId, approved, comment);
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    try {
      done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  public boolean isFinished() {
    return run.completion().isDone();
  }
}
