package org.pipelinekit.jdbc.internal;

import java.util.Optional;
import org.pipelinekit.core.spi.TriggerLedger;

/** core's {@code TriggerLedger} in PostgreSQL: a key is taken by the one {@code INSERT … ON CONFLICT DO NOTHING} that inserts it. */
public final class JdbcTriggerLedger implements TriggerLedger {
  private final Database db;

  public JdbcTriggerLedger(Database db) {
    this.db = db;
  }

  @Override
  public boolean once(String key) {
    return db.update("take trigger key " + key, "INSERT INTO pk_trigger_once (key) VALUES (?) ON CONFLICT DO NOTHING", s -> s.setString(1, key)) == 1;
  }

  @Override
  public Optional<String> get(String name) {
    return db.one("read trigger value " + name, "SELECT value FROM pk_trigger_value WHERE name = ?", s -> s.setString(1, name), r -> r.getString(1));
  }

  @Override
  public void put(String name, String value) {
    db.update("write trigger value " + name, "INSERT INTO pk_trigger_value (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE"
        + " SET value = excluded.value", s -> {
          s.setString(1, name);
          s.setString(2, value);
        });
  }
}
