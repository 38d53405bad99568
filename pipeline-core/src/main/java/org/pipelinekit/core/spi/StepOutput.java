package org.pipelinekit.core.spi;

/**
 * Receives a running step's output, one line at a time (stdout and stderr merged, without the line
 * break, ANSI escapes kept). Called from the runner's reader thread, in order; must not block long.
 */
@FunctionalInterface
public interface StepOutput {
  void line(String text);
}
