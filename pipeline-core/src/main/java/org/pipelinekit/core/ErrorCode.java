package org.pipelinekit.core;

/**
 * Every error PipelineKit reports, in one place, each with its {@link Kind}: what callers (and the REST
 * API, which maps kinds to HTTP statuses and never individual codes) can act on. A
 * {@link PipelineException} takes one of these, so a new code is added here or nowhere.
 */
public enum ErrorCode {
  // pipelines: reading, checking, storing
  PIPELINE_FORMAT_INVALID(Kind.BAD_INPUT, "a pipeline document is not well-formed YAML or JSON, or not the pipeline format"),
  PIPELINE_INVALID(Kind.INVALID, "a pipeline has validation errors"),
  FORMAT_UNKNOWN(Kind.BAD_INPUT, "a file name or format id names no pipeline format"),
  FORMAT_NOT_READABLE(Kind.BAD_INPUT, "a format is export-only"),
  EXPRESSION_INVALID(Kind.BAD_INPUT, "an expression cannot be parsed"),
  PARAMETERS_INVALID(Kind.INVALID, "parameter values do not fit the pipeline's parameters"),
  STAGE_TYPE_UNKNOWN(Kind.NOT_FOUND, "no stage type has this id"),
  STAGE_TYPE_INVALID(Kind.BAD_INPUT, "a stage type is declared wrongly"),
  STAGE_TYPE_DUPLICATE(Kind.CONFLICT, "two stage types have one id"),
  JAVA_IMPORT_INVALID(Kind.INVALID, "Java code does not read as a pipeline"),
  SCRIPT_INVALID(Kind.INVALID, "a .pipeline.kts script does not compile or run"),
  IMPORT_INVALID(Kind.BAD_INPUT, "a CI file cannot be read"),
  EXPORT_UNFIT(Kind.INVALID, "a pipeline does not fit the export's target"),
  // executions
  EXECUTION_UNKNOWN(Kind.NOT_FOUND, "no execution has this id"),
  EXECUTION_RUNNING(Kind.CONFLICT, "the execution has not ended yet"),
  EXECUTION_FINISHED(Kind.CONFLICT, "the execution has ended"),
  NOTHING_FAILED(Kind.CONFLICT, "the execution has no failed stage to run again"),
  STAGE_UNKNOWN(Kind.NOT_FOUND, "the pipeline or execution has no such stage"),
  APPROVAL_FORBIDDEN(Kind.FORBIDDEN, "the caller may not approve this stage"),
  ACCESS_DENIED(Kind.FORBIDDEN, "the caller's role does not allow what it asked (AccessPolicy)"),
  APPROVAL_NOT_PENDING(Kind.CONFLICT, "the stage does not wait for approval"),
  WORKSPACE_UNAVAILABLE(Kind.UNAVAILABLE, "a workspace cannot be made or copied"),
  EXECUTION_REFUSED(Kind.FORBIDDEN, "a rule of the host (a spent budget, ...) refuses new executions now"),
  PIPELINE_NOT_SIGNED(Kind.FORBIDDEN, "the executor runs only pipelines signed by a trusted key, and this one is not (or was changed)"),
  SIGNING_KEY_INVALID(Kind.BAD_INPUT, "a signing or trusted key file is missing or not an Ed25519 key"),
  // stores
  STORE_CONFLICT(Kind.CONFLICT, "what is stored changed meanwhile, or the id is taken"),
  STORE_CORRUPT(Kind.INTERNAL, "a stored file cannot be read back"),
  STORE_FULL(Kind.FULL, "the disk or quota under the store is full"),
  STORE_UNAVAILABLE(Kind.UNAVAILABLE, "the store cannot read or write"),
  STORE_CLOSED(Kind.UNAVAILABLE, "the store was closed (the host is shutting down)"),
  DATABASE_URL_INVALID(Kind.BAD_INPUT, "a database URL is not a PostgreSQL JDBC URL"),
  AUDIT_UNAVAILABLE(Kind.UNAVAILABLE, "the secret audit log cannot be written"),
  // secrets
  SECRETS_UNAVAILABLE(Kind.UNAVAILABLE, "the secret store cannot be read"),
  SECRETS_CORRUPT(Kind.INTERNAL, "the secret file is not one, or cannot be decrypted"),
  SECRETS_KEY_MISMATCH(Kind.INTERNAL, "the secret file was encrypted with another key, or changed"),
  SECRETS_FILE_INVALID(Kind.BAD_INPUT, "a --secrets-file line is not NAME=value"),
  // artifacts (pipeline-artifacts)
  ARTIFACT_NOT_FOUND(Kind.NOT_FOUND, "no live artifact has this id"),
  ARTIFACT_NAME_INVALID(Kind.BAD_INPUT, "an artifact name or path is refused"),
  ARTIFACT_EXISTS(Kind.CONFLICT, "the execution has an artifact of this name"),
  ARTIFACT_TOO_LARGE(Kind.TOO_LARGE, "an artifact is over its size limit"),
  ARTIFACT_ACCESS_DENIED(Kind.FORBIDDEN, "the caller may not read the artifact"),
  ARTIFACT_URL_INVALID(Kind.FORBIDDEN, "a download link is not valid for this artifact"),
  ARTIFACT_URL_EXPIRED(Kind.GONE, "a genuine download link expired"),
  ARTIFACT_CORRUPTED(Kind.INTERNAL, "an artifact's content is missing or does not match its digest"),
  ARTIFACT_IO(Kind.UNAVAILABLE, "the artifact store cannot read or write"),
  // triggers (pipeline-triggers)
  PIPELINE_UNKNOWN(Kind.NOT_FOUND, "no stored pipeline has this id"),
  REPOSITORY_UNKNOWN(Kind.NOT_FOUND, "no repository is registered with this id"),
  REPOSITORY_UNAVAILABLE(Kind.UNAVAILABLE, "a repository cannot be fetched or read"),
  WEBHOOK_SIGNATURE_INVALID(Kind.FORBIDDEN, "a webhook delivery's signature or token does not match the repository's secret"),
  WEBHOOK_INVALID(Kind.BAD_INPUT, "a webhook delivery is not of a kind or shape PipelineKit reads"),
  // templates (pipeline-templates)
  TEMPLATE_NOT_FOUND(Kind.NOT_FOUND, "no template has this id (and version)"),
  TEMPLATE_EXISTS(Kind.CONFLICT, "a template of this id and version exists"),
  TEMPLATE_NOT_WRITABLE(Kind.FORBIDDEN, "the template source cannot take new templates"),
  TEMPLATE_IS_COMPONENT(Kind.INVALID, "a component was used as a template"),
  TEMPLATE_INVALID(Kind.INVALID, "a template is declared wrongly"),
  TEMPLATE_BODY_INVALID(Kind.INVALID, "a template's body does not read as a pipeline"),
  TEMPLATE_COMPONENT_INVALID(Kind.INVALID, "a component is declared wrongly"),
  TEMPLATE_VALUES_INVALID(Kind.INVALID, "values do not fit the template's parameters"),
  TEMPLATE_RESULT_INVALID(Kind.INVALID, "the pipeline a template makes is not valid");

  /** What an error means for the caller; transports map kinds, never individual codes. */
  public enum Kind {
    /** The request or document is malformed (HTTP 400). */
    BAD_INPUT,
    /** Well-formed, but refused by the rules (422). */
    INVALID,
    NOT_FOUND,
    /** The state changed or the name is taken (409). */
    CONFLICT,
    FORBIDDEN,
    /** It existed and is gone for good (410). */
    GONE,
    TOO_LARGE,
    /** A store or service cannot be reached now; trying later may work (503). */
    UNAVAILABLE,
    /** The storage is full (507). */
    FULL,
    /** Something PipelineKit keeps is broken (500). */
    INTERNAL
  }

  private final Kind kind;
  private final String meaning;

  ErrorCode(Kind kind, String meaning) {
    this.kind = kind;
    this.meaning = meaning;
  }

  public Kind kind() {
    return kind;
  }

  /** What the code means, in a few words (for catalogues and documentation). */
  public String meaning() {
    return meaning;
  }
}
