package org.pipelinekit.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.pipelinekit.core.spi.AuditLog;
import org.pipelinekit.jdbc.JdbcStores;

/** The audit log of a data directory ({@code audit/audit.jsonl}) or of a database, and what the CLI's commands add to it. */
final class CliAudit {
  private CliAudit() {}

  static AuditLog of(Path dataDir, JdbcStores db) {
    return db != null ? db.auditLog() : AuditLog.inFile(dataDir.resolve("audit").resolve("audit.jsonl"));
  }

  /** What the command's user ({@code cli:<os user>}) did. */
  static void record(AuditLog log, String action, String target, Map<String, String> details) {
    log.append(Instant.now(), "cli:" + System.getProperty("user.name", "unknown"), action, target, "ok", details);
  }
}
