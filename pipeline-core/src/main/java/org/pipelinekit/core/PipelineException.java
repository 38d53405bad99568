package org.pipelinekit.core;

import java.util.Objects;

/**
 * The one root of PipelineKit's exceptions. Every instance carries a stable {@link #code()} from the one
 * catalogue, {@link ErrorCode}, with its {@link #kind()}, and a message that says what to change.
 *
 * <p>A failed step is not an exception: it is a result value. This type is for misuse of the
 * library, bad input that cannot be represented, and stores that cannot do what was asked.
 */
public class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public PipelineException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public PipelineException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A stable, upper-case identifier such as {@code PIPELINE_INVALID} or {@code STORE_CONFLICT} (the {@link ErrorCode}'s name). */
  public String code() {
    return code.name();
  }

  /** The code in the catalogue. */
  public ErrorCode errorCode() {
    return code;
  }

  /** What the error means for the caller (transports map this, never individual codes). */
  public ErrorCode.Kind kind() {
    return code.kind();
  }
}
