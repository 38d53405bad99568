package org.pipelinekit.jdbc.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Ids;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.spi.PipelineDraft;
import org.pipelinekit.core.spi.PipelineStore;
import org.pipelinekit.core.store.StoreConflicts;

/**
 * Pipelines as rows of {@code pk_pipeline}: the canonical JSON and the revision. A save with an expected revision is one
 * conditional statement, so two hosts saving at once cannot both win.
 */
public final class JdbcPipelineStore implements PipelineStore {
  private final Database db;

  public JdbcPipelineStore(Database db) {
    this.db = db;
  }

  @Override
  public String id() {
    return "postgresql";
  }

  private static Pipeline read(ResultSet r) throws SQLException {
    return PipelineFormat.JSON.read(r.getString("document"), "pk_pipeline " + r.getString("id")).withVersion(r.getLong("revision"));
  }

  private static String document(Pipeline p) {
    return PipelineFormat.JSON.write(p.withVersion(0));
  }

  @Override
  public Optional<Pipeline> find(String pipelineId) {
    return db.one("read pipeline " + pipelineId, "SELECT id, revision, document FROM pk_pipeline WHERE id = ?",
        s -> s.setString(1, pipelineId), JdbcPipelineStore::read);
  }

  @Override
  public List<Pipeline> list() {
    return db.query("list the pipelines", "SELECT id, revision, document FROM pk_pipeline ORDER BY id", s -> { }, JdbcPipelineStore::read);
  }

  @Override
  public Pipeline save(Pipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    long revision = db.one("save pipeline " + pipeline.id(), "INSERT INTO pk_pipeline (id, revision, document) VALUES (?, 1, ?)"
        + " ON CONFLICT (id) DO UPDATE SET revision = pk_pipeline.revision + 1, document = EXCLUDED.document, saved_at = now()"
        + " RETURNING revision", s -> {
          s.setString(1, pipeline.id());
          s.setString(2, document(pipeline));
        }, r -> r.getLong(1)).orElseThrow();
    return pipeline.withVersion(revision);
  }

  @Override
  public Pipeline save(Pipeline pipeline, long expectedVersion) {
    Objects.requireNonNull(pipeline, "pipeline");
    String what = "save pipeline " + pipeline.id();
    Optional<Long> saved = expectedVersion == 0
        ? db.one(what, "INSERT INTO pk_pipeline (id, revision, document) VALUES (?, 1, ?) ON CONFLICT (id) DO NOTHING RETURNING revision",
            s -> {
              s.setString(1, pipeline.id());
              s.setString(2, document(pipeline));
            }, r -> r.getLong(1))
        : db.one(what, "UPDATE pk_pipeline SET revision = revision + 1, document = ?, saved_at = now() WHERE id = ? AND revision = ?"
            + " RETURNING revision", s -> {
              s.setString(1, document(pipeline));
              s.setString(2, pipeline.id());
              s.setLong(3, expectedVersion);
            }, r -> r.getLong(1));
    if (saved.isEmpty()) {
      long stored = find(pipeline.id()).map(Pipeline::version).orElse(0L);
      throw StoreConflicts.conflict(pipeline.id(), stored, expectedVersion);
    }
    return pipeline.withVersion(saved.get());
  }

  @Override
  public boolean delete(String pipelineId) {
    return db.update("delete pipeline " + pipelineId, "DELETE FROM pk_pipeline WHERE id = ?", s -> s.setString(1, pipelineId)) > 0;
  }

  private static PipelineDraft draft(ResultSet r) throws SQLException {
    return new PipelineDraft(r.getString("id"), r.getString("document"), r.getTimestamp("saved_at").toInstant());
  }

  @Override
  public Optional<PipelineDraft> findDraft(String pipelineId) {
    return db.one("read the draft of " + pipelineId, "SELECT id, document, saved_at FROM pk_pipeline_draft WHERE id = ?",
        s -> s.setString(1, pipelineId), JdbcPipelineStore::draft);
  }

  @Override
  public List<PipelineDraft> drafts() {
    return db.query("list the drafts", "SELECT id, document, saved_at FROM pk_pipeline_draft ORDER BY id", s -> { },
        JdbcPipelineStore::draft);
  }

  @Override
  public PipelineDraft saveDraft(String pipelineId, String document) {
    Ids.require(pipelineId, "pipeline id");
    Objects.requireNonNull(document, "document");
    return db.one("save the draft of " + pipelineId, "INSERT INTO pk_pipeline_draft (id, document) VALUES (?, ?)"
        + " ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, saved_at = now() RETURNING id, document, saved_at", s -> {
          s.setString(1, pipelineId);
          s.setString(2, document);
        }, JdbcPipelineStore::draft).orElseThrow();
  }

  @Override
  public boolean deleteDraft(String pipelineId) {
    return db.update("delete the draft of " + pipelineId, "DELETE FROM pk_pipeline_draft WHERE id = ?", s -> s.setString(1, pipelineId)) > 0;
  }
}
