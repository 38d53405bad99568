package org.pipelinekit.core.run;

/**
 * Where a stage (or one matrix job of it) is: {@code PENDING → WAITING_APPROVAL? → RUNNING →} one
 * final status. {@code SOFT_FAILED} is a failure of a stage with {@code continueOnError}: reported,
 * but counted as success by the stages after it. {@code CACHED} is a memoized stage whose earlier
 * successful result was replayed instead of running it; it counts as a success, and its
 * {@code result} is {@code success}.
 */
public enum StageStatus {
  PENDING,
  WAITING_APPROVAL,
  RUNNING,
  SUCCEEDED,
  CACHED,
  FAILED,
  SOFT_FAILED,
  SKIPPED,
  CANCELLED,
  TIMED_OUT,
  INTERRUPTED;

  public boolean isFinal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }

  /** Whether stages after this one see it as a success ({@code success()} in conditions). */
  public boolean countsAsSuccess() {
    return this == SUCCEEDED || this == CACHED || this == SOFT_FAILED;
  }

  /** Whether {@code failure()} sees it as a failure. */
  public boolean countsAsFailure() {
    return this == FAILED || this == TIMED_OUT;
  }

  /** The value of {@code ${{ stages.<id>.result }}}: success, failure, skipped, cancelled, ... */
  public String result() {
    return switch (this) {
      case SUCCEEDED, CACHED -> "success";
      case SOFT_FAILED -> "soft-failure";
      case FAILED -> "failure";
      case TIMED_OUT -> "timed-out";
      case SKIPPED -> "skipped";
      case CANCELLED -> "cancelled";
      case INTERRUPTED -> "interrupted";
      default -> name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
