package org.pipelinekit.core.spi;

import java.time.Duration;

/**
 * Receives a running step's output, one line at a time (stdout and stderr merged, without the line
 * break, ANSI escapes kept). Called from the runner's reader thread, in order; must not block long.
 */
@FunctionalInterface
public interface StepOutput {
  void line(String text);

  /**
   * Several lines at once, in order: what one read of the output held. The engine stores them with one write instead of
   * one a line (a step printing 400,000 lines spent most of its time in those writes); the default passes them on one
   * by one.
   */
  default void lines(java.util.List<String> texts) {
    for (String text : texts) line(text);
  }

  /**
   * The step is up: {@code startup} is the time from the runner beginning to start it (creating a
   * container, spawning a process) to its first line of output, or to its end when it printed
   * nothing. Called at most once, before or with the first line; the engine records it as a
   * {@code StepStarted} event.
   */
  default void started(Duration startup) {}
}
