package org.pipelinekit.core.store;

import org.pipelinekit.core.spi.AuditLog;

class InMemoryAuditLogTest extends AuditLogCompatibilityKit {
  @Override
  protected AuditLog createStore() {
    return AuditLog.inMemory();
  }
}
