package org.pipelinekit.core.spi;

import java.util.Optional;

/**
 * How a step ended: its exit code, or a runner error (the process could not start, the container
 * vanished) when {@code runnerError} is present. A failed step is a value, not an exception.
 */
public record StepExit(int exitCode, Optional<String> runnerError) {
  public static final StepExit SUCCESS = new StepExit(0, Optional.empty());

  public static StepExit of(int exitCode) {
    return exitCode == 0 ? SUCCESS : new StepExit(exitCode, Optional.empty());
  }

  public static StepExit runnerError(String message) {
    return new StepExit(-1, Optional.of(message));
  }

  public boolean succeeded() {
    return exitCode == 0 && runnerError.isEmpty();
  }
}
