package org.pipelinekit.core.engine.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the state of one execution
 * is only ever touched by its own serial executor, so it needs no locks, and many executions share
 * a few threads. A task that throws is logged and does not stop the ones after it.
 *
 * <p>When a thread that is not already running serial tasks (a runner's reader, a timer) submits
 * to an idle executor, the tasks run right there instead of waking an engine thread: on a busy
 * machine each hand-over between threads costs more than the task itself. Public entry points
 * use {@link #executeLater} so that callers return at once.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> false);

  private final Executor backing;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  public SerialExecutor(Executor backing) {
    this.backing = backing;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) return;
      running = true;
    }
    if (DRAINING.get()) {
      backing.execute(this::drain); // no nesting: one executor's drain never runs inside another's
    } else {
      drain();
    }
  }

  /** Queues a task to run on the backing executor, never on the caller's thread (for public entry points that return at once). */
  public void executeLater(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) return;
      running = true;
    }
    backing.execute(this::drain);
  }

  private void drain() {
    DRAINING.set(true);
    try {
      drainTasks();
    } finally {
      DRAINING.set(false);
    }
  }

  private void drainTasks() {
    for (int n = 0; n < 1024; n++) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the engine's pools (unbounded) refuse work only once the executor is closing: what this task handed on is moot
        LOG.debug("engine task dropped while the executor closes: {}", e.getMessage());
      } catch (RuntimeException | Error e) {
        LOG.error("engine task failed", e);
      }
    }
    backing.execute(this::drain); // let other executions have the thread
  }
}
