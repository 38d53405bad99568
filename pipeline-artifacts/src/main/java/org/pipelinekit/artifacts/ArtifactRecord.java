package org.pipelinekit.artifacts;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored artifact: its id, the execution, pipeline and stage (and job) it belongs to, its name
 * (unique in the execution), the SHA-256 digest and size of its content, whether the content is a
 * single file or a tar of a directory, when it was stored and when it expires, and free labels.
 */
public record ArtifactRecord(
    String id,
    String executionId,
    String pipelineId,
    Optional<String> stageId,
    Optional<String> jobId,
    String name,
    String digest,
    long size,
    Kind kind,
    Instant created,
    Instant expires,
    Map<String, String> labels) {

  /** What the content is. */
  public enum Kind {
    /** The bytes of one file. */
    FILE,
    /** A tar archive of files (a directory, or the files a stage's globs matched). */
    TAR
  }

  public ArtifactRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(pipelineId, "pipelineId");
    Objects.requireNonNull(stageId, "stageId");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    labels = Map.copyOf(labels);
  }

  public boolean expiredAt(Instant now) {
    return !expires.isAfter(now);
  }
}
