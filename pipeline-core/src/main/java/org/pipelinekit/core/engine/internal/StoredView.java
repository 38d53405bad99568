package org.pipelinekit.core.engine.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionLogs;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.StoredExecution;

/** A finished (or interrupted) execution read back from the store. */
public final class StoredView implements Execution {
  private final StoredExecution stored;
  private final ExecutionSnapshot snapshot;
  private final EngineServices services;

  public StoredView(StoredExecution stored, EngineServices services) {
    this.stored = stored;
    this.services = services;
    this.snapshot = SnapshotBuilder.fold(stored.header(), stored.events());
  }

  @Override public String id() { return stored.header().id(); }
  @Override public ExecutionHeader header() { return stored.header(); }
  @Override public ExecutionSnapshot snapshot() { return snapshot; }

  @Override
  public CompletableFuture<ExecutionSnapshot> completion() {
    return CompletableFuture.completedFuture(snapshot);
  }

  @Override
  public Subscription subscribe(long fromSequence, EventListener listener) {
    EventHub hub = new EventHub(stored.header(), stored.events(), services.executions(), services.clock(), services.delivery(),
        Integer.MAX_VALUE);
    return hub.subscribe(fromSequence, listener);
  }

  @Override
  public ExecutionLogs logs() {
    return new ExecutionLogs() {
      @Override
      public List<LogLine> read(String stageId, long fromLine, int limit) {
        return services.logs().read(id(), stageId, fromLine, limit);
      }

      @Override
      public Subscription follow(String stageId, long fromLine, Consumer<LogLine> lines, Runnable onEnd) {
        services.delivery().execute(() -> {
          long next = fromLine;
          while (true) {
            List<LogLine> page = services.logs().read(id(), stageId, next, 10_000);
            page.forEach(lines);
            if (page.size() < 10_000) break;
            next = page.get(page.size() - 1).number() + 1;
          }
          onEnd.run();
        });
        return () -> { };
      }
    };
  }

  @Override
  public void cancel(String reason) {
    // already over
  }
}
