package org.pipelinekit.core.access;

/** What can be done with a pipeline (its executions, logs and artifacts included). */
public enum Action {
  /** See the pipeline, its executions, logs, artifacts and analytics. */
  READ,
  /** Create, change, delete, import pipelines. */
  EDIT,
  /** Start, cancel and re-run executions. */
  RUN,
  /** Approve or reject waiting stages (the stage's own approvers are checked by the engine too). */
  APPROVE,
  /** Read the audit log: who did what, when. */
  AUDIT
}
