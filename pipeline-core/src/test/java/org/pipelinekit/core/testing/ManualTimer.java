package org.pipelinekit.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.core.engine.EngineTimer;

/**
 * Virtual time for engine tests: timeouts, back-offs and deadlines wait here until the test {@link #advance}s the
 * {@link MutableClock} they share, instead of a test sleeping. A task due at once (zero delay) runs at once.
 */
public final class ManualTimer implements EngineTimer {
  private final MutableClock clock;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>(Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.order));
  private long order;

  public ManualTimer(MutableClock clock) {
    this.clock = clock;
  }

  private static final class Task {
    final Instant due;
    final long order;
    final Runnable run;

    Task(Instant due, long order, Runnable run) {
      this.due = due;
      this.order = order;
      this.run = run;
    }
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    if (delay.isZero() || delay.isNegative()) {
      task.run();
      return () -> { };
    }
    Task t;
    synchronized (this) {
      t = new Task(clock.instant().plus(delay), order++, task);
      tasks.add(t);
      notifyAll();
    }
    return () -> {
      synchronized (this) {
        tasks.remove(t);
      }
    };
  }

  /** Waits (up to 60 s of real time) until at least {@code n} tasks are pending, as the engine arms them on its threads. */
  public synchronized void awaitPending(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (tasks.size() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("fewer than " + n + " timer tasks within 60 s; " + tasks.size() + " pending");
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Moves the clock on by {@code d}, running every task that falls due, in order, each at its own time. */
  public void advance(Duration d) {
    Instant until = clock.instant().plus(d);
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due.isAfter(until)) break;
        tasks.poll();
      }
      if (next.due.isAfter(clock.instant())) clock.advance(Duration.between(clock.instant(), next.due));
      next.run.run();
    }
    if (until.isAfter(clock.instant())) clock.advance(Duration.between(clock.instant(), until));
  }

  /** The delays of the pending tasks from now, soonest first. */
  public synchronized List<Duration> pending() {
    List<Duration> out = new ArrayList<>();
    tasks.stream().sorted(tasks.comparator()).forEach(t -> out.add(Duration.between(clock.instant(), t.due)));
    return out;
  }
}
