package org.pipelinekit.jdbc.internal;

import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.environment.Deployment;
import org.pipelinekit.core.environment.EnvironmentDefinition;
import org.pipelinekit.core.environment.EnvironmentJson;
import org.pipelinekit.core.environment.EnvironmentStore;

/** core's {@code EnvironmentStore} in PostgreSQL: {@code pk_environment} (a definition as JSON per name) and {@code pk_deployment}. */
public final class JdbcEnvironmentStore implements EnvironmentStore {
  private final Database db;

  public JdbcEnvironmentStore(Database db) {
    this.db = db;
  }

  @Override
  public List<EnvironmentDefinition> list() {
    return db.query("list the environments", "SELECT definition FROM pk_environment ORDER BY name", s -> { }, r -> EnvironmentJson.definition(r.getString(1)));
  }

  @Override
  public Optional<EnvironmentDefinition> find(String name) {
    return db.one("read environment " + name, "SELECT definition FROM pk_environment WHERE name = ?", s -> s.setString(1, name),
        r -> EnvironmentJson.definition(r.getString(1)));
  }

  @Override
  public void put(EnvironmentDefinition e) {
    db.update("keep environment " + e.name(), "INSERT INTO pk_environment (name, definition) VALUES (?, ?) ON CONFLICT (name) DO UPDATE"
        + " SET definition = excluded.definition", s -> {
          s.setString(1, e.name());
          s.setString(2, EnvironmentJson.write(e).toString());
        });
  }

  @Override
  public boolean delete(String name) {
    return db.update("remove environment " + name, "DELETE FROM pk_environment WHERE name = ?", s -> s.setString(1, name)) == 1;
  }

  @Override
  public void record(Deployment d) {
    db.update("record a deployment to " + d.environment(), "INSERT INTO pk_deployment (environment, deployment) VALUES (?, ?)", s -> {
      s.setString(1, d.environment());
      s.setString(2, EnvironmentJson.write(d).toString());
    });
  }

  @Override
  public List<Deployment> deployments(String environment, int limit) {
    return db.query("read the deployments of " + environment, "SELECT deployment FROM pk_deployment WHERE environment = ? ORDER BY id DESC LIMIT ?",
        s -> {
          s.setString(1, environment);
          s.setInt(2, limit);
        }, r -> EnvironmentJson.deployment(r.getString(1)));
  }
}
