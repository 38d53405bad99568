package org.pipelinekit.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.spi.ConcurrencyLedger;

/**
 * Concurrency groups in {@code pk_concurrency}, so a group holds across the hosts of a database: each decision is one
 * transaction under {@code pg_advisory_xact_lock} on the group's name, with the same rules as the executor's memory
 * (the running execution first, the waiting ones by position).
 */
public final class JdbcConcurrencyLedger implements ConcurrencyLedger {
  private final Database db;

  public JdbcConcurrencyLedger(Database db) {
    this.db = db;
  }

  private record Row(String executionId, boolean running) {}

  @FunctionalInterface
  private interface Locked<T> {
    T run(Connection c, List<Row> rows) throws SQLException;
  }

  private <T> T locked(String group, String what, Locked<T> work) {
    return db.transaction(what, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('pipelinekit-group:' || ?))")) {
        s.setString(1, group);
        s.executeQuery().close();
      }
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT execution_id, running FROM pk_concurrency WHERE group_name = ?"
          + " ORDER BY running DESC, position")) {
        s.setString(1, group);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) rows.add(new Row(r.getString(1), r.getBoolean(2)));
        }
      }
      return work.run(c, rows);
    });
  }

  private static void insert(Connection c, String group, String id, boolean running) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO pk_concurrency (group_name, execution_id, running) VALUES (?, ?, ?)")) {
      s.setString(1, group);
      s.setString(2, id);
      s.setBoolean(3, running);
      s.executeUpdate();
    }
  }

  private static void delete(Connection c, String group, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM pk_concurrency WHERE group_name = ? AND execution_id = ?")) {
      s.setString(1, group);
      s.setString(2, id);
      s.executeUpdate();
    }
  }

  @Override
  public Admission admit(String group, String executionId, boolean cancelInProgress, int queueLimit) {
    return locked(group, "admit " + executionId + " to concurrency group " + group, (c, rows) -> {
      List<String> cancel = new ArrayList<>();
      Optional<Row> running = rows.stream().filter(Row::running).findFirst();
      List<String> waiting = rows.stream().filter(r -> !r.running()).map(Row::executionId).toList();
      if (running.isEmpty()) {
        insert(c, group, executionId, true);
        return new Admission(false, cancel);
      }
      if (cancelInProgress) {
        cancel.add(running.get().executionId());
        for (String w : waiting) {
          cancel.add(w);
          delete(c, group, w);
        }
        insert(c, group, executionId, false);
      } else if (queueLimit == 0) {
        cancel.add(executionId);
      } else {
        if (waiting.size() >= queueLimit) {
          cancel.add(waiting.get(0));
          delete(c, group, waiting.get(0));
        }
        insert(c, group, executionId, false);
      }
      return new Admission(true, cancel);
    });
  }

  @Override
  public Optional<String> finished(String group, String executionId) {
    return locked(group, "end " + executionId + " in concurrency group " + group, (c, rows) -> {
      Optional<Row> row = rows.stream().filter(r -> r.executionId().equals(executionId)).findFirst();
      if (row.isEmpty()) return Optional.empty();
      delete(c, group, executionId);
      if (!row.get().running()) return Optional.empty();
      Optional<String> next = rows.stream().filter(r -> !r.running()).map(Row::executionId).findFirst();
      if (next.isPresent()) {
        try (PreparedStatement s = c.prepareStatement("UPDATE pk_concurrency SET running = true WHERE group_name = ? AND execution_id = ?")) {
          s.setString(1, group);
          s.setString(2, next.get());
          s.executeUpdate();
        }
      }
      return next;
    });
  }
}
