package org.pipelinekit.core.store;

import org.pipelinekit.core.spi.AuditLog;

class InMemoryAuditLogTest extends AuditLogCompatibilityKit {
  @Override
  protected AuditLog createStore() {
    return AuditLog.inMemory();
  }

  @org.junit.jupiter.api.Test
  void aBoundedLogKeepsTheNewest_andItsChainStillHolds() {
    AuditLog log = AuditLog.inMemory(3);
    for (int i = 0; i < 5; i++) log.append(T0.plusSeconds(i), "ana", "execution.start", "pipeline/p", "ok", java.util.Map.of());
    org.assertj.core.api.Assertions.assertThat(log.read(AuditLog.Query.ALL)).extracting(AuditLog.Entry::sequence).containsExactly(3L, 4L, 5L);
    org.assertj.core.api.Assertions.assertThat(log.verify()).isEmpty();
  }
}
