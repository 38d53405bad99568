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
}
