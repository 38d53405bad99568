package org.pipelinekit.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A thread's loop on a connection that {@code LISTEN}s to one channel: it calls {@code onWake} with the notifications that
 * woke it, or with none after {@code pollMillis} (polling is the fallback for a missed notification), until closed; a
 * lost connection is said in the log and made again after a pause.
 */
final class Listening {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Listening.class);

  private Listening() {}

  static void loop(DataSource dataSource, String channel, long pollMillis, BooleanSupplier closed, Consumer<List<String>> onWake, String what) {
    while (!closed.getAsBoolean()) {
      try (Connection c = dataSource.getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed.getAsBoolean()) {
          onWake.accept(payloads(pg.getNotifications((int) pollMillis)));
        }
      } catch (SQLException | RuntimeException e) {
        if (closed.getAsBoolean()) return;
        LOG.warn("{} lost its database connection ({}); connecting again", what, Database.describe(e));
        try {
          Thread.sleep(pollMillis); // a pause before a new connection, not a wait for an event
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /**
   * Ends a listening thread whose loop was told it is closed: it returns within one poll, giving its connection back, so
   * the pool can close after this without pulling the connection from under it (which logs a broken connection).
   */
  static void stop(Thread listener, long pollMillis) {
    if (listener == null || listener == Thread.currentThread()) return;
    listener.interrupt(); // (ends the pause before a reconnection)
    try {
      listener.join(pollMillis + 2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> payloads(PGNotification[] woke) {
    if (woke == null) return List.of();
    return java.util.Arrays.stream(woke).map(PGNotification::getParameter).toList();
  }
}
