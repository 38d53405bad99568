package org.pipelinekit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.spi.AuditLog;

class FileAuditLogTest extends AuditLogCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected AuditLog createStore() {
    return AuditLog.inFile(dir.resolve("audit.jsonl"));
  }

  @Override
  protected Optional<AuditLog> reopen() {
    return Optional.of(AuditLog.inFile(dir.resolve("audit.jsonl")));
  }

  @Test
  void theFileIsJsonLinesForItsOwnerOnly_andAChangedOrRemovedLineIsFound() throws Exception {
    store.append(T0, "ana", "secret.write", "secret/DEPLOY_TOKEN", "ok", Map.of());
    store.append(T0.plusSeconds(1), "ben", "execution.start", "pipeline/shop", "ok", Map.of());
    store.append(T0.plusSeconds(2), "ben", "execution.cancel", "pipeline/shop", "ok", Map.of());
    Path file = dir.resolve("audit.jsonl");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{\"sequence\":"));
    // someone edits who did it: the chain says where
    Files.write(file, List.of(lines.get(0), lines.get(1).replace("\"ben\"", "\"ana\""), lines.get(2)));
    assertThat(store.verify()).contains(2L);
    // someone removes a line
    Files.write(file, List.of(lines.get(0), lines.get(2)));
    assertThat(store.verify()).contains(2L);
  }

  @Test
  void appendingReadsFromTheEnd_pastALineACrashCut() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    for (int i = 0; i < 1500; i++) store.append(T0.plusMillis(i), "ana", "execution.start", "pipeline/p/" + i, "ok", Map.of("n", "x".repeat(40)));
    Files.writeString(file, "{\"sequence\":1501,\"time\":\"2026-", java.nio.file.StandardOpenOption.APPEND); // a crash mid-write
    AuditLog.Entry next = AuditLog.inFile(file).append(T0.plusSeconds(9), "ben", "pipeline.update", "pipeline/p", "ok", Map.of());
    assertThat(next.sequence()).isEqualTo(1501);
    assertThat(next.previousHash()).isEqualTo(store.read(query(null, null, "pipeline/p/1499", null, 0)).get(0).hash());
    // the new entry has a line of its own after the cut one, and the chain says where the cut is
    List<AuditLog.Entry> all = store.read(AuditLog.Query.ALL);
    assertThat(all.get(all.size() - 1)).satisfies(e -> assertThat(e.actor() + " " + e.sequence()).isEqualTo("ben 1501"));
    assertThat(store.verify()).contains(1501L);
  }
}
