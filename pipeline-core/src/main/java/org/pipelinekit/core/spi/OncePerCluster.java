package org.pipelinekit.core.spi;

import java.time.Duration;

/**
 * Periodic work that hosts sharing their stores must do once between them, not once each: the retention sweep (and
 * schedules, later). A single host runs it every time ({@link #LOCAL}); pipeline-jdbc decides with an advisory lock and
 * the time of the last run kept in the database.
 */
@FunctionalInterface
public interface OncePerCluster {
  /** Every call runs the work: one host, nothing to share. */
  OncePerCluster LOCAL = (name, every, work) -> {
    work.run();
    return true;
  };

  /**
   * Runs {@code work} here unless another host runs {@code name} now or ran it less than {@code every} ago (by the
   * database's clock); whether it ran here.
   */
  boolean run(String name, Duration every, Runnable work);
}
