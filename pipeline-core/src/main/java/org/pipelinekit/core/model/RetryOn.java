package org.pipelinekit.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which failures a {@link RetryPolicy} retries. Written {@code exit-code}, {@code timeout}, {@code runner-error}. */
public enum RetryOn {
  /** The step's command ended with a non-zero exit code (optionally only the listed codes). */
  EXIT_CODE,
  /** The step or stage ran out of time. */
  TIMEOUT,
  /** The runner could not start or lost the step (process could not spawn, container vanished). */
  RUNNER_ERROR;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static RetryOn fromId(String id) {
    for (RetryOn r : values()) {
      if (r.id().equals(id)) return r;
    }
    throw new IllegalArgumentException("'" + id + "' is not a retry reason; use one of "
        + Arrays.stream(values()).map(RetryOn::id).collect(Collectors.joining(", ")));
  }
}
