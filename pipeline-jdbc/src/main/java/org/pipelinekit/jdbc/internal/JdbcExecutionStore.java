package org.pipelinekit.jdbc.internal;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.StoredExecution;
import org.pipelinekit.core.store.JournalCodec;

/**
 * Execution journals in PostgreSQL: a header row in {@code pk_execution}, an event row per journal entry in
 * {@code pk_execution_event} (both in {@link JournalCodec}'s JSON), numbers from one upsert on {@code pk_execution_number}
 * so that two hosts never give one number twice. An append is committed before it returns.
 */
public final class JdbcExecutionStore implements ExecutionStore {
  private final Database db;

  public JdbcExecutionStore(Database db) {
    this.db = db;
  }

  @Override
  public String id() {
    return "postgresql";
  }

  @Override
  public long nextNumber(String pipelineId) {
    return db.one("number an execution of " + pipelineId, "INSERT INTO pk_execution_number (pipeline_id, last) VALUES (?, 1)"
        + " ON CONFLICT (pipeline_id) DO UPDATE SET last = pk_execution_number.last + 1 RETURNING last",
        s -> s.setString(1, pipelineId), r -> r.getLong(1)).orElseThrow();
  }

  @Override
  public void create(ExecutionHeader header) {
    int made = db.update("store execution " + header.id(), "INSERT INTO pk_execution (id, pipeline_id, number, header, created_at)"
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", s -> {
          s.setString(1, header.id());
          s.setString(2, header.pipelineId());
          s.setLong(3, header.number());
          s.setString(4, JournalCodec.header(header));
          s.setTimestamp(5, Timestamp.from(header.createdAt()));
        });
    if (made == 0) throw new PipelineException(ErrorCode.STORE_CONFLICT, "execution " + header.id() + " already exists in the database");
  }

  @Override
  public void append(String executionId, ExecutionEvent event) {
    db.update("journal an event of " + executionId, "INSERT INTO pk_execution_event (execution_id, seq, event, type) VALUES (?, ?, ?, ?)", s -> {
      s.setString(1, executionId);
      s.setLong(2, event.sequence());
      s.setString(3, JournalCodec.event(event));
      s.setString(4, event.getClass().getSimpleName());
    });
  }

  @Override
  public Optional<StoredExecution> load(String executionId) {
    Optional<ExecutionHeader> header = db.one("read execution " + executionId, "SELECT header FROM pk_execution WHERE id = ?",
        s -> s.setString(1, executionId), r -> JournalCodec.header(r.getString(1), "pk_execution " + executionId));
    if (header.isEmpty()) return Optional.empty();
    List<ExecutionEvent> events = db.query("read the journal of " + executionId,
        "SELECT seq, event FROM pk_execution_event WHERE execution_id = ? ORDER BY seq", s -> s.setString(1, executionId),
        r -> JournalCodec.event(r.getString(2), executionId, "pk_execution_event " + executionId + "#" + r.getLong(1)));
    return Optional.of(new StoredExecution(header.get(), events));
  }

  @Override
  public List<String> list(String pipelineId) {
    return db.query("list the executions of " + pipelineId, "SELECT id FROM pk_execution WHERE pipeline_id = ? ORDER BY number DESC",
        s -> s.setString(1, pipelineId), r -> r.getString(1));
  }

  @Override
  public List<String> ids() {
    return db.query("list the executions", "SELECT id FROM pk_execution ORDER BY created_at, id", s -> { }, r -> r.getString(1));
  }

  @Override
  public List<String> unfinished() {
    return db.query("find the unfinished executions", "SELECT id FROM pk_execution e WHERE NOT EXISTS (SELECT 1 FROM pk_execution_event v"
        + " WHERE v.execution_id = e.id AND v.type = 'ExecutionFinished') ORDER BY created_at, id", s -> { }, r -> r.getString(1));
  }

  @Override
  public void delete(String executionId) {
    db.update("delete execution " + executionId, "DELETE FROM pk_execution WHERE id = ?", s -> s.setString(1, executionId));
  }
}
