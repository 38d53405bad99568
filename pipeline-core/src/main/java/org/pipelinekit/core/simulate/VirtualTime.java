package org.pipelinekit.core.simulate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.pipelinekit.core.engine.EngineTimer;

/**
 * A clock and an engine timer that stand still until told to move: timeouts, back-offs, approval
 * deadlines and the time scripted steps take wait here, and {@link #advanceToNext} jumps to the
 * earliest of them, so a run that would take hours is simulated in milliseconds. A task due at once
 * runs at once.
 */
public final class VirtualTime extends Clock implements EngineTimer {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>(Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.order));
  private Instant now;
  private long order;

  public VirtualTime(Instant start) {
    this.now = start;
  }

  private record Task(Instant due, long order, Runnable run) {}

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("virtual time is in UTC");
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    if (delay.isZero() || delay.isNegative()) {
      task.run();
      return () -> { };
    }
    Task t;
    synchronized (this) {
      t = new Task(now.plus(delay), order++, task);
      tasks.add(t);
    }
    return () -> {
      synchronized (this) {
        tasks.remove(t);
      }
    };
  }

  /** When the earliest pending task is due. */
  public synchronized Optional<Instant> next() {
    return Optional.ofNullable(tasks.peek()).map(Task::due);
  }

  /** Moves to the earliest pending task's time and runs every task due then, in the order they were scheduled; false when none is pending. */
  public boolean advanceToNext() {
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      Task first = tasks.peek();
      if (first == null) return false;
      now = first.due;
      while (!tasks.isEmpty() && !tasks.peek().due.isAfter(now)) due.add(tasks.poll());
    }
    for (Task t : due) t.run.run();
    return true;
  }

  /** Moves the clock on by {@code d}, running every task that falls due on the way, each at its own time. */
  public void advance(Duration d) {
    Instant until;
    synchronized (this) {
      until = now.plus(d);
    }
    while (next().filter(due -> !due.isAfter(until)).isPresent()) advanceToNext();
    synchronized (this) {
      if (until.isAfter(now)) now = until;
    }
  }
}
