package org.pipelinekit.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pipelinekit.core.spi.AuditLog;

/**
 * core's {@code AuditLog} in PostgreSQL ({@code pk_audit}, which refuses UPDATE, DELETE and TRUNCATE): an entry is appended
 * in a transaction under an advisory lock, so the hosts of a cluster number and chain their entries one after another.
 */
public final class JdbcAuditLog implements AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Database db;

  public JdbcAuditLog(Database db) {
    this.db = db;
  }

  @Override
  public Entry append(Instant when, String actor, String action, String target, String outcome, Map<String, String> details) {
    Instant time = when.truncatedTo(ChronoUnit.MICROS); // what PostgreSQL keeps, so the hash reads back the same
    return db.with("append to the audit log", c -> {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('pipelinekit-audit'))")) {
          s.executeQuery().close();
        }
        long sequence = 1;
        String previous = "";
        try (PreparedStatement s = c.prepareStatement("SELECT sequence, hash FROM pk_audit ORDER BY sequence DESC LIMIT 1");
            ResultSet r = s.executeQuery()) {
          if (r.next()) {
            sequence = r.getLong(1) + 1;
            previous = r.getString(2);
          }
        }
        Entry draft = new Entry(sequence, time, actor, action, target, outcome, details, previous, "");
        Entry e = new Entry(sequence, time, actor, action, target, outcome, details, previous, AuditLog.hash(draft, previous));
        try (PreparedStatement s = c.prepareStatement("INSERT INTO pk_audit (sequence, time, actor, action, target, outcome, details,"
            + " previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          s.setLong(1, e.sequence());
          s.setTimestamp(2, Timestamp.from(e.time()));
          s.setString(3, actor);
          s.setString(4, action);
          s.setString(5, target);
          s.setString(6, outcome);
          s.setString(7, JSON.writeValueAsString(new TreeMap<>(e.details())));
          s.setString(8, e.previousHash());
          s.setString(9, e.hash());
          s.executeUpdate();
        }
        c.commit();
        return e;
      } catch (SQLException | RuntimeException | JsonProcessingException e) {
        c.rollback();
        if (e instanceof SQLException sql) throw sql;
        if (e instanceof RuntimeException r) throw r;
        throw new SQLException("cannot write the entry's details: " + e.getMessage(), e);
      } finally {
        c.setAutoCommit(autoCommit);
      }
    });
  }

  @Override
  public List<Entry> read(Query query) {
    StringBuilder sql = new StringBuilder("SELECT sequence, time, actor, action, target, outcome, details, previous_hash, hash FROM pk_audit WHERE true");
    List<Object> args = new ArrayList<>();
    query.actor().ifPresent(a -> { sql.append(" AND actor = ?"); args.add(a); });
    query.action().ifPresent(a -> { sql.append(" AND (action = ? OR action LIKE ? ESCAPE '\\')"); args.add(a); args.add(like(a) + ".%"); });
    query.target().ifPresent(t -> { sql.append(" AND (target = ? OR target LIKE ? ESCAPE '\\')"); args.add(t); args.add(like(t) + "/%"); });
    query.since().ifPresent(t -> { sql.append(" AND time >= ?"); args.add(Timestamp.from(t)); });
    query.until().ifPresent(t -> { sql.append(" AND time < ?"); args.add(Timestamp.from(t)); });
    sql.append(" ORDER BY sequence DESC");
    if (query.limit() > 0) sql.append(" LIMIT ").append(query.limit());
    List<Entry> newestFirst = db.query("read the audit log", sql.toString(), s -> {
      for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
    }, r -> {
      Map<String, String> details = new LinkedHashMap<>();
      try {
        JSON.readTree(r.getString(7)).fields().forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
      } catch (JsonProcessingException e) {
        details.put("unreadable", r.getString(7));
      }
      return new Entry(r.getLong(1), r.getTimestamp(2).toInstant(), r.getString(3), r.getString(4), r.getString(5), r.getString(6), details,
          r.getString(8), r.getString(9));
    });
    List<Entry> out = new ArrayList<>(newestFirst);
    java.util.Collections.reverse(out);
    return out;
  }

  private static String like(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
