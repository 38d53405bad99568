package org.pipelinekit.core.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * How one attempt of a job ended, as its {@link JobInterceptor} chain returns it. The scheduler decides
 * from it whether the job is retried (a {@code FAILED}, {@code ERROR} or {@code TIMED_OUT} attempt, as the
 * stage's retry policy says) or ends. {@code exitCode} is the failing step's; {@code reason} says what
 * happened in words ("step 2 (test) exited with 1").
 */
public record JobExit(Result result, Optional<Integer> exitCode, Optional<String> reason) {
  public static final JobExit SUCCEEDED = new JobExit(Result.SUCCEEDED, Optional.of(0), Optional.empty());

  public enum Result {
    /** Every step succeeded. */
    SUCCEEDED,
    /** A step exited with a non-zero code, or an interceptor failed the job (an artifact that could not be stored). */
    FAILED,
    /** A runner or the engine could not run a step (the process could not start, the container vanished). */
    ERROR,
    /** The attempt or one of its steps ran out of time. */
    TIMED_OUT,
    /** The job or its execution was cancelled. */
    CANCELLED,
    /** No step ran: the result of an earlier run was taken over (a memoized stage). */
    REUSED
  }

  public JobExit {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(reason, "reason");
  }

  public static JobExit failed(int exitCode, String reason) {
    return new JobExit(Result.FAILED, Optional.of(exitCode), Optional.of(reason));
  }

  public static JobExit error(String reason) {
    return new JobExit(Result.ERROR, Optional.empty(), Optional.of(reason));
  }

  public static JobExit timedOut(String reason) {
    return new JobExit(Result.TIMED_OUT, Optional.empty(), Optional.of(reason));
  }

  public static JobExit cancelled(Optional<Integer> exitCode, String reason) {
    return new JobExit(Result.CANCELLED, exitCode, Optional.of(reason));
  }

  public static JobExit reused(String reason) {
    return new JobExit(Result.REUSED, Optional.of(0), Optional.of(reason));
  }

  public boolean succeeded() {
    return result == Result.SUCCEEDED || result == Result.REUSED;
  }
}
