package org.pipelinekit.core.simulate;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Counts the engine's work in flight — tasks handed to its threads and not yet finished, steps that
 * run for real — so the simulation knows when the engine has nothing left to do but wait for time.
 * A task is counted from when it is handed over, so work a task hands on is counted before the
 * task itself ends.
 */
final class Activity {
  private long busy;

  synchronized void begin() {
    busy++;
  }

  synchronized void end() {
    if (--busy == 0) notifyAll();
  }

  /** The decorator the executor applies to every task it hands to a thread. */
  UnaryOperator<Runnable> decorator() {
    return task -> {
      begin();
      return () -> {
        try {
          task.run();
        } finally {
          end();
        }
      };
    };
  }

  /** Waits until nothing is in flight; false when {@code limit} of real time passed first (a step running for real, say). */
  synchronized boolean awaitIdle(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (busy > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
