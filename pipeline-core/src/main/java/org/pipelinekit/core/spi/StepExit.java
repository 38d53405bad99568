package org.pipelinekit.core.spi;

import java.util.Map;
import java.util.Optional;

/**
 * How a step ended: its exit code, or a runner error (the process could not start, the container
 * vanished) when {@code runnerError} is present, and the outputs it wrote to {@code $PIPELINE_OUTPUT}.
 * {@code reason} explains a non-zero exit the runner knows more about ("out of memory: ..."). A
 * failed step is a value, not an exception.
 */
public record StepExit(int exitCode, Optional<String> runnerError, Map<String, String> outputs, Optional<String> reason) {
  public static final StepExit SUCCESS = new StepExit(0, Optional.empty(), Map.of(), Optional.empty());

  public StepExit {
    java.util.Objects.requireNonNull(runnerError, "runnerError");
    outputs = Map.copyOf(outputs);
    java.util.Objects.requireNonNull(reason, "reason");
  }

  public StepExit(int exitCode, Optional<String> runnerError, Map<String, String> outputs) {
    this(exitCode, runnerError, outputs, Optional.empty());
  }

  public static StepExit of(int exitCode) {
    return exitCode == 0 ? SUCCESS : new StepExit(exitCode, Optional.empty(), Map.of());
  }

  public static StepExit of(int exitCode, Map<String, String> outputs) {
    return new StepExit(exitCode, Optional.empty(), outputs);
  }

  /** A non-zero exit with what the runner knows of its cause. */
  public static StepExit failed(int exitCode, String reason, Map<String, String> outputs) {
    return new StepExit(exitCode, Optional.empty(), outputs, Optional.of(reason));
  }

  public static StepExit runnerError(String message) {
    return new StepExit(-1, Optional.of(message), Map.of());
  }

  public boolean succeeded() {
    return exitCode == 0 && runnerError.isEmpty();
  }
}
