package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.pipelinekit.core.engine.ExecutionEvent;
import org.pipelinekit.core.engine.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.engine.ExecutionEvent.LogAppended;
import org.pipelinekit.core.engine.ExecutionEvent.StageFinished;
import org.pipelinekit.core.engine.LogLine;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.spi.LogStore;

/**
 * Follows a stage's log from a line number: subscribes to live lines first (holding them back),
 * reads the stored lines, then hands over to the live ones, so every line arrives exactly once and
 * in order even while the stage writes. All delivery happens on the delivery executor, one line
 * at a time.
 */
final class LogFollower {
  private static final int PAGE = 10_000;

  private LogFollower() {}

  static Subscription follow(EventHub hub, LogStore store, Executor delivery, String executionId, String stageId, long fromLine,
      Consumer<LogLine> lines, Runnable onEnd) {
    State state = new State(lines, onEnd, Math.max(1, fromLine));
    Subscription live = hub.subscribe(Long.MAX_VALUE, event -> state.onEvent(event, stageId));
    state.live = live;
    boolean alreadyOver = hub.snapshot().stage(stageId).status().isFinal() || hub.snapshot().status().isFinal();
    delivery.execute(() -> {
      while (true) {
        List<LogLine> page = store.read(executionId, stageId, state.next(), PAGE);
        if (page.isEmpty()) break;
        for (LogLine l : page) state.deliver(l);
        if (page.size() < PAGE) break;
      }
      state.replayed(alreadyOver);
    });
    return state;
  }

  private static final class State implements Subscription {
    private final Consumer<LogLine> lines;
    private final Runnable onEnd;
    private long next;
    private boolean replayDone;
    private boolean ended;
    private boolean closed;
    private final List<LogLine> held = new ArrayList<>();
    volatile Subscription live;

    State(Consumer<LogLine> lines, Runnable onEnd, long from) {
      this.lines = lines;
      this.onEnd = onEnd;
      this.next = from;
    }

    synchronized long next() {
      return next;
    }

    synchronized void onEvent(ExecutionEvent e, String stageId) {
      if (closed) return;
      if (e instanceof LogAppended l && l.line().stageId().equals(stageId)) {
        if (replayDone) deliver(l.line());
        else held.add(l.line());
      } else if ((e instanceof StageFinished f && f.stageId().equals(stageId)) || e instanceof ExecutionFinished) {
        ended = true;
        if (replayDone) end();
      }
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
