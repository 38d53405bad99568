package org.pipelinekit.jdbc.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.pipelinekit.core.spi.OncePerCluster;

/**
 * Periodic work once between the hosts of a database: in one transaction, a {@code pg_try_advisory_xact_lock} on the
 * work's name (a host that does not get it skips: another runs it now), then {@code pk_periodic}'s last run read by the
 * database's clock (skipped when it ran less than 90 % of the period ago, so the host whose turn it is does not miss it
 * by its timer's drift), the work, and the new time; the lock goes with the commit.
 */
public final class JdbcOncePerCluster implements OncePerCluster {
  private final Database db;

  public JdbcOncePerCluster(Database db) {
    this.db = db;
  }

  @Override
  public boolean run(String name, Duration every, Runnable work) {
    return db.transaction("run " + name + " once for the cluster", c -> {
      boolean ran = false;
      if (locked(c, name) && due(c, name, every)) {
        work.run();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO pk_periodic (name, last_run) VALUES (?, now())"
            + " ON CONFLICT (name) DO UPDATE SET last_run = now()")) {
          s.setString(1, name);
          s.executeUpdate();
        }
        ran = true;
      }
      return ran;
    });
  }

  private static boolean locked(java.sql.Connection c, String name) throws java.sql.SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext('pipelinekit:' || ?))")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  private static boolean due(java.sql.Connection c, String name, Duration every) throws java.sql.SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT last_run > now() - make_interval(secs => ?) FROM pk_periodic WHERE name = ?")) {
      s.setDouble(1, every.toMillis() * 0.9 / 1000.0);
      s.setString(2, name);
      try (ResultSet r = s.executeQuery()) {
        return !r.next() || !r.getBoolean(1);
      }
    }
  }
}
