package org.pipelinekit.core;

import java.util.Objects;

/**
 * The one root of PipelineKit's exceptions. Every instance carries a stable {@link #code()} that
 * callers (and the REST API) can match on, and a message that says what to change.
 *
 * <p>A failed step is not an exception: it is a result value. This type is for misuse of the
 * library, bad input that cannot be represented, and stores that cannot do what was asked.
 */
public class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  public PipelineException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public PipelineException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A stable, upper-case identifier such as {@code PIPELINE_INVALID} or {@code STORE_CONFLICT}. */
  public String code() {
    return code;
  }
}
