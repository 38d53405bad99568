package org.pipelinekit.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/**
 * The stores' one way to the database: a statement on a pooled connection, its SQLException turned into a
 * {@code STORE_UNAVAILABLE} that says what failed (never a stack trace for a user), refused quietly ({@code STORE_CLOSED})
 * once the stores were closed.
 */
public final class Database {
  private final DataSource dataSource;
  private volatile boolean closed;

  public Database(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  public <T> T with(String what, Work<T> work) {
    if (closed) throw new PipelineException(ErrorCode.STORE_CLOSED, "the database stores are closed; cannot " + what);
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new PipelineException(ErrorCode.STORE_UNAVAILABLE, "cannot " + what + ": " + describe(e), e);
    }
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  public <T> T transaction(String what, Work<T> work) {
    return with(what, c -> {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    });
  }

  /** Runs an insert, update or delete; the rows it changed. */
  public int update(String what, String sql, Binder binder) {
    return with(what, c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        binder.bind(s);
        return s.executeUpdate();
      }
    });
  }

  public <T> List<T> query(String what, String sql, Binder binder, Row<T> row) {
    return with(what, c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        binder.bind(s);
        try (ResultSet r = s.executeQuery()) {
          List<T> out = new ArrayList<>();
          while (r.next()) out.add(row.read(r));
          return out;
        }
      }
    });
  }

  public <T> Optional<T> one(String what, String sql, Binder binder, Row<T> row) {
    List<T> all = query(what, sql, binder, row);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  public void close() {
    closed = true;
  }

  /** An exception's message without the driver's stack of causes: what a person can act on. */
  public static String describe(Throwable e) {
    Throwable t = e;
    String message = String.valueOf(t.getMessage());
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) message = t.getMessage();
    }
    return message.strip();
  }
}
