package org.pipelinekit.core.model;

/** Where an execution's jobs run: each in a directory of its own (the default), or all in one. */
public enum WorkspaceMode {
  /** Each job attempt in a fresh directory: the source, then the artifacts of the stages it depends on. */
  ISOLATED,
  /** Every job of an execution in one directory, as on one host: stages see each other's files. */
  SHARED;

  /** The name in pipeline files: {@code isolated}, {@code shared}. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static WorkspaceMode fromId(String id) {
    for (WorkspaceMode w : values()) {
      if (w.id().equals(id)) return w;
    }
    throw new IllegalArgumentException("'" + id + "' is not a workspace; use isolated (each job its own directory) or shared");
  }
}
