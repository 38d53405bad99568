package org.pipelinekit.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.LogStore;

/**
 * Stage logs in PostgreSQL, a row per line keyed by execution, stage and line number, so any host reads any stage's log
 * (and a follower on another host tails it by line number). The text is kept as UTF-8 bytes: a line may hold any
 * character, NUL included, which a PostgreSQL {@code text} cannot. Times keep microseconds. The engine's lines are numbered
 * here ({@link #appendNext}): the jobs of one stage may write from several hosts at once.
 */
public final class JdbcLogStore implements LogStore {
  private final Database db;

  public JdbcLogStore(Database db) {
    this.db = db;
  }

  @Override
  public String id() {
    return "postgresql";
  }

  @Override
  public void append(String executionId, LogLine line) {
    db.update("store a log line of " + executionId, INSERT_LINE, s -> bind(s, executionId, line));
  }

  private static final String INSERT_LINE = "INSERT INTO pk_log_line (execution_id, stage_id, line, at, job_id, attempt, text)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  private static void bind(java.sql.PreparedStatement s, String executionId, LogLine line) throws java.sql.SQLException {
    s.setString(1, executionId);
    s.setString(2, line.stageId());
    s.setLong(3, line.number());
    s.setTimestamp(4, Timestamp.from(line.time()));
    s.setString(5, line.jobId());
    s.setInt(6, line.attempt());
    s.setBytes(7, line.text().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean numbersLines() {
    return true;
  }

  /**
   * Takes the stage's next number from {@code pk_log_counter} and inserts the line in one statement: the counter row
   * stays locked until the line is committed, so a line numbered after it is numbered only once it can be read.
   */
  @Override
  public LogLine appendNext(String executionId, LogLine line) {
    long number = db.one("store a log line of " + executionId, "WITH n AS (INSERT INTO pk_log_counter (execution_id, stage_id, last)"
        + " VALUES (?, ?, 1) ON CONFLICT (execution_id, stage_id) DO UPDATE SET last = pk_log_counter.last + 1 RETURNING last)"
        + " INSERT INTO pk_log_line (execution_id, stage_id, line, at, job_id, attempt, text) SELECT ?, ?, n.last, ?, ?, ?, ? FROM n"
        + " RETURNING line", s -> {
          s.setString(1, executionId);
          s.setString(2, line.stageId());
          s.setString(3, executionId);
          s.setString(4, line.stageId());
          s.setTimestamp(5, Timestamp.from(line.time()));
          s.setString(6, line.jobId());
          s.setInt(7, line.attempt());
          s.setBytes(8, line.text().getBytes(StandardCharsets.UTF_8));
        }, r -> r.getLong(1)).orElseThrow();
    return new LogLine(line.stageId(), number, line.time(), line.jobId(), line.attempt(), line.text());
  }

  /**
   * A stage's lines in one transaction: the counter moves on by their count (its row locked until they are committed,
   * as for one line) and the lines go in one batch — one round trip for what one read of a step's output held, not one
   * a line.
   */
  @Override
  public List<LogLine> appendAllNext(String executionId, List<LogLine> lines) {
    if (lines.size() <= 1) return lines.isEmpty() ? lines : List.of(appendNext(executionId, lines.get(0)));
    String stageId = LogStore.stageOf(lines);
    return db.transaction("store " + lines.size() + " log lines of " + executionId, c -> {
      long last;
      try (java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO pk_log_counter (execution_id, stage_id, last) VALUES (?, ?, ?)"
          + " ON CONFLICT (execution_id, stage_id) DO UPDATE SET last = pk_log_counter.last + ? RETURNING last")) {
        s.setString(1, executionId);
        s.setString(2, stageId);
        s.setLong(3, lines.size());
        s.setLong(4, lines.size());
        try (java.sql.ResultSet r = s.executeQuery()) {
          r.next();
          last = r.getLong(1);
        }
      }
      long number = last - lines.size() + 1;
      List<LogLine> stored = new java.util.ArrayList<>(lines.size());
      try (java.sql.PreparedStatement s = c.prepareStatement(INSERT_LINE)) {
        for (LogLine line : lines) {
          LogLine numbered = new LogLine(line.stageId(), number++, line.time(), line.jobId(), line.attempt(), line.text());
          bind(s, executionId, numbered);
          s.addBatch();
          stored.add(numbered);
        }
        s.executeBatch();
      }
      return stored;
    });
  }

  @Override
  public List<LogLine> read(String executionId, String stageId, long fromLine, int limit) {
    return db.query("read the log of " + executionId + " " + stageId, "SELECT line, at, job_id, attempt, text FROM pk_log_line"
        + " WHERE execution_id = ? AND stage_id = ? AND line >= ? ORDER BY line LIMIT ?", s -> {
          s.setString(1, executionId);
          s.setString(2, stageId);
          s.setLong(3, fromLine);
          s.setInt(4, limit);
        }, r -> new LogLine(stageId, r.getLong(1), r.getTimestamp(2).toInstant(), r.getString(3), r.getInt(4),
            new String(r.getBytes(5), StandardCharsets.UTF_8)));
  }

  @Override
  public long count(String executionId, String stageId) {
    return db.one("count the log of " + executionId + " " + stageId, "SELECT count(*) FROM pk_log_line WHERE execution_id = ? AND stage_id = ?",
        s -> {
          s.setString(1, executionId);
          s.setString(2, stageId);
        }, r -> r.getLong(1)).orElse(0L);
  }

  @Override
  public long bytes(String executionId) {
    return db.one("measure the logs of " + executionId, "SELECT coalesce(sum(octet_length(text) + 48), 0) FROM pk_log_line WHERE execution_id = ?",
        s -> s.setString(1, executionId), r -> r.getLong(1)).orElse(0L);
  }

  @Override
  public void delete(String executionId) {
    db.update("delete the logs of " + executionId, "DELETE FROM pk_log_line WHERE execution_id = ?", s -> s.setString(1, executionId));
    db.update("delete the log numbers of " + executionId, "DELETE FROM pk_log_counter WHERE execution_id = ?", s -> s.setString(1, executionId));
  }
}
