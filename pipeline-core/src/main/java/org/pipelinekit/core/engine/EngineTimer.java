package org.pipelinekit.core.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where an execution's waits are kept: stage, step and pipeline timeouts, retry back-offs and approval
 * deadlines. The executor's default runs them on its timer thread in real time; a test hands the executor
 * a timer of its own (with a matching {@link java.time.Clock}) and advances virtual time instead of
 * sleeping. A task must be short: it only posts work to the execution.
 */
@FunctionalInterface
public interface EngineTimer {
  /** Runs {@code task} once after {@code delay}, unless cancelled first. */
  Scheduled schedule(Duration delay, Runnable task);

  /** A pending task. */
  @FunctionalInterface
  interface Scheduled {
    /** Keeps the task from running if it has not run yet; cancelling twice, or after it ran, does nothing. */
    void cancel();
  }

  /** Runs {@code work} with a deadline: {@code expired} runs when it has not completed within {@code limit}. */
  default <T> java.util.concurrent.CompletionStage<T> limit(Duration limit, Runnable expired,
      java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> work) {
    Scheduled deadline = schedule(limit, expired);
    try {
      return work.get().whenComplete((value, error) -> deadline.cancel());
    } catch (RuntimeException e) {
      deadline.cancel();
      throw e;
    }
  }

  /** Real time on {@code timer}'s threads. */
  static EngineTimer of(ScheduledExecutorService timer) {
    return (delay, task) -> {
      var future = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
