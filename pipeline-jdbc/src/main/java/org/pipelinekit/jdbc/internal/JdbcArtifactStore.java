package org.pipelinekit.jdbc.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.artifacts.ArtifactRecord;
import org.pipelinekit.artifacts.ArtifactStore;
import org.pipelinekit.artifacts.FileArtifactStore;
import org.pipelinekit.core.PipelineException;

/**
 * Artifacts for hosts that share a database: the records (and the removal log for usage reports) in {@code pk_artifact}
 * and {@code pk_artifact_removed}, so every host lists and serves every artifact; the content in a
 * {@link FileArtifactStore} on a directory all hosts mount (its blobs are written to a temporary file and renamed into
 * place, so two hosts storing the same content at once end with one blob). A name is unique per execution by the
 * table's constraint.
 */
public final class JdbcArtifactStore implements ArtifactStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "id, execution_id, pipeline_id, stage_id, job_id, name, digest, size, kind, created, expires, labels";
  private final Database db;
  private final org.pipelinekit.artifacts.BlobStore blobs;

  public JdbcArtifactStore(Database db, org.pipelinekit.artifacts.BlobStore blobs) {
    this.db = db;
    this.blobs = blobs;
  }

  @Override public BlobWriter newBlob() throws IOException { return blobs.newBlob(); }
  @Override public ReadableByteChannel openBlob(String digest) throws IOException { return blobs.openBlob(digest); }
  @Override public boolean hasBlob(String digest) { return blobs.hasBlob(digest); }
  @Override public List<Blob> blobs() { return blobs.blobs(); }
  @Override public boolean deleteBlob(String digest) { return blobs.deleteBlob(digest); }

  @Override
  public void createRecord(ArtifactRecord r) throws IOException {
    int made = db.update("store artifact record " + r.id(), "INSERT INTO pk_artifact (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (execution_id, name) DO NOTHING", s -> {
          s.setString(1, r.id());
          s.setString(2, r.executionId());
          s.setString(3, r.pipelineId());
          s.setString(4, r.stageId().orElse(null));
          s.setString(5, r.jobId().orElse(null));
          s.setString(6, r.name());
          s.setString(7, r.digest());
          s.setLong(8, r.size());
          s.setString(9, r.kind().name());
          s.setTimestamp(10, Timestamp.from(r.created()));
          s.setTimestamp(11, Timestamp.from(r.expires()));
          s.setString(12, labels(r.labels()));
        });
    // the file store says a taken name this way; ArtifactManager turns it into its ARTIFACT_NAME_TAKEN
    if (made == 0) throw new FileAlreadyExistsException(r.executionId() + "/" + r.name());
  }

  private static String labels(Map<String, String> labels) {
    try {
      return JSON.writeValueAsString(labels);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ArtifactRecord read(ResultSet r) throws SQLException {
    Map<String, String> labels;
    try {
      labels = JSON.readValue(r.getString("labels"), new TypeReference<Map<String, String>>() { });
    } catch (IOException e) {
      throw new SQLException("the labels of artifact " + r.getString("id") + " are not JSON: " + e.getMessage(), e);
    }
    return new ArtifactRecord(r.getString("id"), r.getString("execution_id"), r.getString("pipeline_id"), Optional.ofNullable(r.getString("stage_id")),
        Optional.ofNullable(r.getString("job_id")), r.getString("name"), r.getString("digest"), r.getLong("size"),
        ArtifactRecord.Kind.valueOf(r.getString("kind")), r.getTimestamp("created").toInstant(), r.getTimestamp("expires").toInstant(), labels);
  }

  @Override
  public Optional<ArtifactRecord> record(String artifactId) {
    return db.one("read artifact " + artifactId, "SELECT " + COLUMNS + " FROM pk_artifact WHERE id = ?", s -> s.setString(1, artifactId),
        JdbcArtifactStore::read);
  }

  @Override
  public List<ArtifactRecord> records(String executionId) {
    return db.query("list the artifacts of " + executionId, "SELECT " + COLUMNS + " FROM pk_artifact WHERE execution_id = ? ORDER BY created, id",
        s -> s.setString(1, executionId), JdbcArtifactStore::read);
  }

  @Override
  public List<ArtifactRecord> records() {
    return db.query("list the artifacts", "SELECT " + COLUMNS + " FROM pk_artifact ORDER BY created, id", s -> { }, JdbcArtifactStore::read);
  }

  @Override
  public boolean deleteRecord(ArtifactRecord record) {
    return db.update("delete artifact " + record.id(), "DELETE FROM pk_artifact WHERE id = ?", s -> s.setString(1, record.id())) > 0;
  }

  @Override
  public void noteRemoved(Removed removed) throws IOException {
    try {
      db.update("note a removed artifact", "INSERT INTO pk_artifact_removed (artifact_id, pipeline_id, size, created, removed) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (artifact_id) DO NOTHING", s -> {
            s.setString(1, removed.artifactId());
            s.setString(2, removed.pipelineId());
            s.setLong(3, removed.size());
            s.setTimestamp(4, Timestamp.from(removed.created()));
            s.setTimestamp(5, Timestamp.from(removed.removed()));
          });
    } catch (PipelineException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public List<Removed> removed() {
    return db.query("read the removed artifacts", "SELECT artifact_id, pipeline_id, size, created, removed FROM pk_artifact_removed ORDER BY removed",
        s -> { }, r -> new Removed(r.getString(1), r.getString(2), r.getLong(3), r.getTimestamp(4).toInstant(), r.getTimestamp(5).toInstant()));
  }
}
