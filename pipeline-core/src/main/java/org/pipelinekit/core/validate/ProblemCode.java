package org.pipelinekit.core.validate;

/** The stable codes of validation problems; the REST API and the designer match on them. */
public enum ProblemCode {
  /** The pipeline id is not of the form {@code [a-z0-9][a-z0-9_-]*}. */
  PIPELINE_ID_INVALID(Severity.ERROR),
  /** The pipeline has no stages. */
  PIPELINE_EMPTY(Severity.ERROR),
  /** A stage id is not of the form {@code [a-z0-9][a-z0-9_-]*}. */
  STAGE_ID_INVALID(Severity.ERROR),
  /** Two stages share an id. */
  STAGE_ID_DUPLICATE(Severity.ERROR),
  /** A stage needs a stage that does not exist. */
  NEEDS_UNKNOWN(Severity.ERROR),
  /** A stage lists in {@code dependencies} a stage it does not need, directly or through others. */
  DEPENDENCY_NOT_NEEDED(Severity.ERROR),
  /** The needs form a cycle. */
  CYCLE(Severity.ERROR),
  /** The upstream triggers of the stored pipelines and this one form a cycle (each run would start the next forever). */
  UPSTREAM_CYCLE(Severity.ERROR),
  /** A stage names a type the registry does not know. */
  STAGE_TYPE_UNKNOWN(Severity.ERROR),
  /** A stage sets an input its type does not have. */
  INPUT_UNKNOWN(Severity.ERROR),
  /** A stage leaves out a required input of its type. */
  INPUT_MISSING(Severity.ERROR),
  /** An input's value does not fit the type's schema. */
  INPUT_INVALID(Severity.ERROR),
  /** A shell stage has no steps. */
  STEPS_MISSING(Severity.ERROR),
  /** A stage of a type that makes its own steps lists steps too. */
  STEPS_NOT_ALLOWED(Severity.ERROR),
  /** An artifact name is not a plain relative name (it climbs out with .., is absolute, holds control characters). */
  ARTIFACT_NAME_INVALID(Severity.ERROR),
  /** A reference names a secret the executor's secret store does not have. */
  SECRET_UNKNOWN(Severity.ERROR),
  /** A secret is read where its value would be stored and shown as it is: an artifact name, a cache or memo key. */
  SECRET_IN_NAME(Severity.ERROR),
  /** An expression cannot be parsed. */
  EXPRESSION_INVALID(Severity.ERROR),
  /** An expression calls an unknown function, or a function with the wrong number of arguments. */
  FUNCTION_INVALID(Severity.ERROR),
  /** A reference starts with a name no context provides. */
  REFERENCE_UNKNOWN(Severity.ERROR),
  /** A reference to {@code stages.*} has the wrong shape. */
  REFERENCE_INVALID(Severity.ERROR),
  /** A reference names a stage that does not exist. */
  REFERENCE_UNKNOWN_STAGE(Severity.ERROR),
  /** A reference names a stage that does not run before this one. */
  REFERENCE_NOT_UPSTREAM(Severity.ERROR),
  /** A reference names an output the stage does not set. */
  REFERENCE_UNKNOWN_OUTPUT(Severity.ERROR),
  /** A reference names a parameter the pipeline does not declare. */
  REFERENCE_UNKNOWN_PARAMETER(Severity.ERROR),
  /** A reference names a matrix axis the stage does not have. */
  REFERENCE_UNKNOWN_MATRIX(Severity.ERROR),
  /** A reference to stage outputs or matrix values where none exist (pipeline-level settings). */
  REFERENCE_NOT_AVAILABLE(Severity.ERROR),
  /** Requested CPU or memory exceeds the configured limit. */
  RESOURCES_OVER_LIMIT(Severity.ERROR),
  /** A matrix expands to more combinations than the configured cap. */
  MATRIX_TOO_LARGE(Severity.ERROR),
  /** A matrix axis has no values, or an exclude entry names an unknown axis. */
  MATRIX_INVALID(Severity.ERROR),
  /** A schedule trigger's cron or time zone is not valid. */
  CRON_INVALID(Severity.ERROR),
  /** A trigger is not valid (an upstream trigger naming a malformed pipeline id). */
  TRIGGER_INVALID(Severity.ERROR),
  /** Two parameters share a name. */
  PARAMETER_DUPLICATE(Severity.ERROR),
  /** A stage may run longer than the whole pipeline is allowed to. */
  TIMEOUT_EXCEEDS_PIPELINE(Severity.WARNING),
  /** A need is implied by another need (found by the planner, reported by {@code PipelineService}). */
  NEEDS_REDUNDANT(Severity.WARNING),
  /** An approval gate names no approvers, so anyone allowed to approve can. */
  APPROVAL_WITHOUT_APPROVERS(Severity.WARNING),
  /**
   * An approver names no one who can sign in to this server, by name or group, so the stage would wait for an approval
   * no one can give (reported by a server that knows its users).
   */
  APPROVER_UNKNOWN(Severity.WARNING);

  private final Severity severity;

  ProblemCode(Severity severity) {
    this.severity = severity;
  }

  public Severity severity() {
    return severity;
  }
}
