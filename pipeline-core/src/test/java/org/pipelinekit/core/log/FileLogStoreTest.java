package org.pipelinekit.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.spi.LogStore;

class FileLogStoreTest extends LogStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected LogStore createStore() {
    return new FileLogStore(dir);
  }

  @Override
  protected Optional<LogStore> reopen() {
    return Optional.of(new FileLogStore(dir));
  }

  /** Stage logs of many running executions keep a bounded number of files open; one closed on the way is written again in order. */
  @org.junit.jupiter.api.Test
  void manyStageLogsBeingWrittenKeepABoundedNumberOfFilesOpen() throws Exception {
    long before = org.pipelinekit.core.testing.OpenDescriptors.count();
    java.time.Instant t = java.time.Instant.parse("2026-12-06T10:00:00Z");
    for (int i = 0; i < 600; i++) {
      store.append("run-" + i, new org.pipelinekit.core.run.LogLine("build", 1, t, "build", 1, "first of run " + i));
    }
    assertThat(org.pipelinekit.core.testing.OpenDescriptors.count() - before).as("descriptors held by 600 stage logs")
        .isLessThanOrEqualTo(FileLogStore.OPEN_FILES + 8);
    store.append("run-0", new org.pipelinekit.core.run.LogLine("build", 2, t, "build", 1, "second of run 0"));
    assertThat(store.read("run-0", "build", 1, 10)).extracting(org.pipelinekit.core.run.LogLine::text)
        .containsExactly("first of run 0", "second of run 0");
    assertThat(store.read("run-0", "build", 2, 10)).extracting(org.pipelinekit.core.run.LogLine::text).containsExactly("second of run 0");
  }
}
