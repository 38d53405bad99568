package org.pipelinekit.core.engine.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.pipelinekit.core.engine.EngineTimer;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionLogs;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.StoredExecution;

/**
 * An execution read back from the store: one that finished, or one that another host sharing the stores runs. For a
 * finished one, events and logs are replayed and end. For one still running elsewhere they are tailed: the store is read
 * again every {@link #POLL} (on the blocking pool, scheduled on the engine's timer) and what is new is delivered in
 * order, until the journal's {@code ExecutionFinished} and the last log line.
 */
public final class StoredView implements Execution {
  /** How often a run on another host is read again for new events and log lines. */
  static final Duration POLL = Duration.ofMillis(250);
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

  private boolean finished() {
    return snapshot.status().isFinal();
  }

  @Override
  public Subscription subscribe(long fromSequence, EventListener listener) {
    if (finished()) {
      EventHub hub = new EventHub(stored.header(), stored.events(), services.executions(), services.clock(), services.delivery(),
          Integer.MAX_VALUE);
      return hub.subscribe(fromSequence, listener);
    }
    Tail tail = new Tail(services);
    long[] next = {fromSequence};
    tail.poll(() -> {
      Optional<StoredExecution> now = services.executions().load(id());
      if (now.isEmpty()) return true; // deleted meanwhile
      for (ExecutionEvent e : now.get().events()) {
        if (e.sequence() < next[0]) continue;
        listener.onEvent(e);
        next[0] = e.sequence() + 1;
        if (e instanceof ExecutionEvent.ExecutionFinished) return true;
      }
      return false;
    }, () -> { });
    return tail;
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
        return followLog(services, id(), stageId, fromLine, lines, onEnd, finished());
      }
    };
  }

  /** Tails a stage's log in the store from {@code fromLine} until the execution ended and its last line was read. */
  static Subscription followLog(EngineServices services, String id, String stageId, long fromLine, Consumer<LogLine> lines, Runnable onEnd) {
    return followLog(services, id, stageId, fromLine, lines, onEnd, false);
  }

  private static Subscription followLog(EngineServices services, String id, String stageId, long fromLine, Consumer<LogLine> lines,
      Runnable onEnd, boolean finishedAlready) {
    Tail tail = new Tail(services);
    long[] next = {fromLine};
    boolean[] wasFinished = {finishedAlready};
    tail.poll(() -> {
      // read what is there; when the run had already finished before this read, that was the last of it
      boolean last = wasFinished[0];
      long before = next[0];
      while (true) {
        List<LogLine> page = services.logs().read(id, stageId, next[0], 10_000);
        page.forEach(lines);
        if (!page.isEmpty()) next[0] = page.get(page.size() - 1).number() + 1;
        if (page.size() < 10_000) break;
      }
      if (last) return true;
      if (next[0] != before) return false; // lines still coming: the journal is read once they stop
      wasFinished[0] = services.executions().load(id).map(s -> SnapshotBuilder.fold(s.header(), s.events()).status().isFinal())
          .orElse(true);
      return false;
    }, onEnd);
    return tail;
  }

  @Override
  public void cancel(String reason) {
    // over, or another host's: that host cancels it
  }

  /** A reader that calls {@code step} now and then every {@link #POLL} until it says it is done or is closed. */
  private static final class Tail implements Subscription {
    private final EngineServices services;
    private volatile boolean closed;
    private volatile EngineTimer.Scheduled pending;

    Tail(EngineServices services) {
      this.services = services;
    }

    interface Step {
      boolean done();
    }

    void poll(Step step, Runnable onEnd) {
      services.blocking().execute(() -> {
        if (closed) return;
        boolean done;
        try {
          done = step.done();
        } catch (RuntimeException e) {
          done = true; // the store went away: end the stream; the client reconnects
        }
        if (done) {
          closed = true;
          onEnd.run();
        } else if (!closed) {
          pending = services.timer().schedule(POLL, () -> poll(step, onEnd));
        }
      });
    }

    @Override
    public void close() {
      closed = true;
      EngineTimer.Scheduled p = pending;
      if (p != null) p.cancel();
    }
  }
}
