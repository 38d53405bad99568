package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.spi.AuditLog;
import org.pipelinekit.core.store.AuditLogCompatibilityKit;

class JdbcAuditLogTest extends AuditLogCompatibilityKit {
  private final OpenedStores stores = new OpenedStores();

  @Override
  protected AuditLog createStore() {
    return stores.fresh().auditLog();
  }

  @Override
  protected Optional<AuditLog> reopen() {
    return Optional.of(stores.again().auditLog());
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }

  @Test
  void theTableRefusesChangesAndDeletes() throws Exception {
    store.append(T0, "ana", "pipeline.delete", "pipeline/a", "ok", Map.of());
    TestPostgres pg = TestPostgres.shared();
    try (var c = java.sql.DriverManager.getConnection(pg.url(stores.database()), pg.user(), ""); var s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE pk_audit SET actor = 'ben'")).hasMessageContaining("the audit log is append-only: UPDATE");
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM pk_audit")).hasMessageContaining("append-only: DELETE");
      assertThatThrownBy(() -> s.executeUpdate("TRUNCATE pk_audit")).hasMessageContaining("append-only: TRUNCATE");
    }
    assertThat(store.read(AuditLog.Query.ALL)).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("ana"));
  }
}
