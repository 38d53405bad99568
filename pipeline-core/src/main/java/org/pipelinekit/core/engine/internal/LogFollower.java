package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.spi.LogStore;

/**
 * Follows a stage's log from a line number: subscribes to live lines first (holding them back),
 * reads the stored lines, then hands over to the live ones, so every line arrives exactly once and
 * in order even while the stage writes. All delivery happens on the delivery executor, one line
 * at a time. A follower whose consumer is so slow that the live subscription overflows does the same
 * again from the next line it needs: the log store has every line, so it catches up from there and
 * still gets each line once, then the end.
 */
final class LogFollower {
  private static final int PAGE = 10_000;

  private LogFollower() {}

  static Subscription follow(EventHub hub, LogStore store, Executor delivery, String executionId, String stageId, long fromLine,
      Consumer<LogLine> lines, Runnable onEnd) {
    State state = new State(hub, store, delivery, executionId, stageId, lines, onEnd, Math.max(1, fromLine));
    state.start();
    return state;
  }

  private static final class State implements Subscription, EventListener {
    private final EventHub hub;
    private final LogStore store;
    private final Executor delivery;
    private final String executionId;
    private final String stageId;
    private final Consumer<LogLine> lines;
    private final Runnable onEnd;
    private long next;
    private boolean replayDone;
    private boolean ended;
    private boolean closed;
    private final List<LogLine> held = new ArrayList<>();
    private Subscription live;

    State(EventHub hub, LogStore store, Executor delivery, String executionId, String stageId, Consumer<LogLine> lines, Runnable onEnd,
        long from) {
      this.hub = hub;
      this.store = store;
      this.delivery = delivery;
      this.executionId = executionId;
      this.stageId = stageId;
      this.lines = lines;
      this.onEnd = onEnd;
      this.next = from;
    }

    /** Subscribes to live lines (held back), then reads the store from the next line needed and hands over. */
    void start() {
      synchronized (this) {
        if (closed) return;
        replayDone = false;
        held.clear();
        live = hub.subscribe(Long.MAX_VALUE, this);
      }
      boolean alreadyOver = hub.snapshot().stage(stageId).status().isFinal() || hub.snapshot().status().isFinal();
      delivery.execute(() -> {
        while (true) {
          List<LogLine> page = store.read(executionId, stageId, next(), PAGE);
          if (page.isEmpty()) break;
          for (LogLine l : page) deliver(l);
          if (page.size() < PAGE) break;
        }
        replayed(alreadyOver);
      });
    }

    synchronized long next() {
      return next;
    }

    @Override
    public synchronized void onEvent(ExecutionEvent e) {
      if (closed) return;
      if (e instanceof LogAppended l && l.line().stageId().equals(stageId)) {
        if (replayDone) deliver(l.line());
        else held.add(l.line());
      } else if ((e instanceof StageFinished f && f.stageId().equals(stageId)) || e instanceof ExecutionFinished) {
        ended = true;
        if (replayDone) end();
      }
    }

    /** The live subscription fell behind and was dropped: start over from the next line needed. */
    @Override
    public void overflowed(long lastDelivered) {
      start();
    }

    synchronized void deliver(LogLine l) {
      if (closed || l.number() < next) return;
      next = l.number() + 1;
      lines.accept(l);
    }

    synchronized void replayed(boolean alreadyOver) {
      replayDone = true;
      for (LogLine l : held) deliver(l);
      held.clear();
      if (ended || alreadyOver) end();
    }

    private void end() {
      if (closed) return;
      closed = true;
      if (live != null) live.close();
      onEnd.run();
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (live != null) live.close();
    }
  }
}
