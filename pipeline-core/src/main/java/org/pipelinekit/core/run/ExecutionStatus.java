package org.pipelinekit.core.run;

/** Where an execution is. The last five are final. */
public enum ExecutionStatus {
  /** Waiting for its concurrency group or for a slot. */
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  TIMED_OUT,
  /** The host stopped (crashed or was killed) while it ran; it can be re-run from where it stopped. */
  INTERRUPTED;

  public boolean isFinal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }
}
