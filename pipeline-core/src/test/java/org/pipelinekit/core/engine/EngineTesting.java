package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;

/** Helpers shared by the engine tests. */
final class EngineTesting {
  private EngineTesting() {}

  static ExecutionSnapshot await(Execution e) throws Exception {
    return e.completion().get(120, TimeUnit.SECONDS);
  }

  /** Collects every event of an execution from the start. */
  static final class Recorder implements EventListener {
    final List<ExecutionEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ExecutionEvent event) {
      events.add(event);
      synchronized (this) {
        notifyAll();
      }
    }

    <T extends ExecutionEvent> List<T> of(Class<T> type) {
      List<T> out = new ArrayList<>();
      for (ExecutionEvent e : events) {
        if (type.isInstance(e)) out.add(type.cast(e));
      }
      return out;
    }

    List<String> log(String stageId) {
      return of(LogAppended.class).stream().filter(l -> l.line().stageId().equals(stageId)).map(l -> l.line().text()).toList();
    }

    /** Waits (notified by each event) until an event matching {@code p} was recorded. */
    ExecutionEvent waitFor(Predicate<ExecutionEvent> p) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      synchronized (this) {
        while (true) {
          for (ExecutionEvent e : events) {
            if (p.test(e)) return e;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) throw new AssertionError("no such event within 60 s; got " + events);
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
    }
  }

  static Duration between(java.time.Instant a, java.time.Instant b) {
    return Duration.between(a, b);
  }

  static <T> List<T> sorted(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    Collections.sort(copy, null);
    return copy;
  }
}
