package org.pipelinekit.jdbc.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.pipelinekit.core.spi.ExecutionLeases;

/**
 * Execution leases as rows of {@code pk_execution_lease}: renewed by an upsert that changes only the renewing host's
 * rows, taken over by one that changes only expired ones, so two hosts never both win an execution. An execution with no
 * row yet is taken only once it is twice the lease old by the database's clock (its host renews within a third of it).
 */
public final class JdbcExecutionLeases implements ExecutionLeases {
  private final Database db;
  private final Duration lease;

  public JdbcExecutionLeases(Database db, Duration lease) {
    this.db = db;
    this.lease = lease;
  }

  @Override
  public Duration duration() {
    return lease;
  }

  @Override
  public Set<String> renew(String host, Collection<String> executionIds) {
    if (executionIds.isEmpty()) return Set.of();
    Set<String> held = new HashSet<>(db.query("renew the execution leases of " + host, "INSERT INTO pk_execution_lease (execution_id, host,"
        + " lease_until) SELECT e.id, ?, clock_timestamp() + ?::interval FROM pk_execution e WHERE e.id = ANY(?)"
        + " ON CONFLICT (execution_id) DO UPDATE SET lease_until = excluded.lease_until WHERE pk_execution_lease.host = excluded.host"
        + " RETURNING execution_id", s -> {
          s.setString(1, host);
          s.setString(2, lease.toMillis() + " milliseconds");
          s.setArray(3, s.getConnection().createArrayOf("text", executionIds.toArray()));
        }, r -> r.getString(1)));
    Set<String> lost = new HashSet<>();
    if (held.size() == executionIds.size()) return lost;
    Set<String> stored = new HashSet<>(db.query("read the execution leases", "SELECT execution_id FROM pk_execution_lease WHERE execution_id = ANY(?)",
        s -> s.setArray(1, s.getConnection().createArrayOf("text", executionIds.toArray())), r -> r.getString(1)));
    for (String id : executionIds) {
      if (!held.contains(id) && stored.contains(id)) lost.add(id); // (one not stored yet is not lost: its header is on its way)
    }
    return lost;
  }

  @Override
  public Set<String> takeExpired(String host, Collection<String> executionIds) {
    if (executionIds.isEmpty()) return Set.of();
    return new HashSet<>(db.query("take over expired execution leases", "INSERT INTO pk_execution_lease (execution_id, host, lease_until)"
        + " SELECT e.id, ?, clock_timestamp() + ?::interval FROM pk_execution e WHERE e.id = ANY(?)"
        + " AND (EXISTS (SELECT 1 FROM pk_execution_lease l WHERE l.execution_id = e.id) OR e.created_at < clock_timestamp() - 2 * ?::interval)"
        + " ON CONFLICT (execution_id) DO UPDATE SET host = excluded.host, lease_until = excluded.lease_until"
        + " WHERE pk_execution_lease.lease_until < clock_timestamp() RETURNING execution_id", s -> {
          s.setString(1, host);
          s.setString(2, lease.toMillis() + " milliseconds");
          s.setArray(3, s.getConnection().createArrayOf("text", executionIds.toArray()));
          s.setString(4, lease.toMillis() + " milliseconds");
        }, r -> r.getString(1)));
  }
}
