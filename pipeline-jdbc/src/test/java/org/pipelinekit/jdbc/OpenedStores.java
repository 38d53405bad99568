package org.pipelinekit.jdbc;

import java.util.ArrayList;
import java.util.List;

/** The JdbcStores a test opened (one per store the kit asks for, and again per reopen), closed after the test. */
final class OpenedStores {
  private final List<JdbcStores> opened = new ArrayList<>();
  private String database;

  /** Stores on a new database. */
  JdbcStores fresh() {
    database = TestPostgres.shared().newDatabase();
    return again();
  }

  /** Stores on the database of the last {@link #fresh()}, as another host or a restarted one opens it. */
  JdbcStores again() {
    TestPostgres pg = TestPostgres.shared();
    JdbcStores db = JdbcStores.open(pg.url(database), pg.user(), "");
    opened.add(db);
    return db;
  }

  /** The name of the last {@link #fresh()} database. */
  String database() {
    return database;
  }

  /** The JDBC URL of the last {@link #fresh()} database, for a host in another process. */
  String url() {
    return TestPostgres.shared().url(database);
  }

  void closeAll() {
    opened.forEach(JdbcStores::close);
    opened.clear();
  }
}
