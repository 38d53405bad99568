package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;

/**
 * Receives an execution's events in order, on a delivery thread of the executor (never the
 * engine's own). Each subscription buffers up to a bound; a listener that falls further behind is
 * unsubscribed and told through {@link #overflowed(long)} where to resume from.
 */
@FunctionalInterface
public interface EventListener {
  void onEvent(ExecutionEvent event);

  /**
   * The listener fell behind by more than the buffer holds and was unsubscribed; it received every
   * event up to {@code lastDelivered}. Re-subscribe with {@code fromSequence = lastDelivered + 1}
   * (journaled events are replayed; log lines are read again from the log store).
   */
  default void overflowed(long lastDelivered) {}
}
