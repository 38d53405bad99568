package org.pipelinekit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.spi.ExecutionStore;

class FileExecutionStoreTest extends ExecutionStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected ExecutionStore createStore() {
    return new FileExecutionStore(dir);
  }

  @Override
  protected Optional<ExecutionStore> reopen() {
    return Optional.of(new FileExecutionStore(dir));
  }

  /** Queued and kept executions hold no descriptor: thousands of journals being written keep a bounded number open. */
  @org.junit.jupiter.api.Test
  void manyJournalsBeingWrittenKeepABoundedNumberOfFilesOpen() throws Exception {
    long before = org.pipelinekit.core.testing.OpenDescriptors.count();
    java.time.Instant t = java.time.Instant.parse("2026-12-06T10:00:00Z");
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 600; i++) {
      org.pipelinekit.core.run.ExecutionHeader h = header("queued");
      store.create(h);
      store.append(h.id(), new org.pipelinekit.core.run.ExecutionEvent.ExecutionStarted(h.id(), 1, t));
      ids.add(h.id());
    }
    assertThat(org.pipelinekit.core.testing.OpenDescriptors.count() - before).as("descriptors held by 600 unfinished journals")
        .isLessThanOrEqualTo(FileExecutionStore.OPEN_JOURNALS + 8);
    // the first ones were closed on the way and are written again where they left off
    store.append(ids.get(0), new org.pipelinekit.core.run.ExecutionEvent.StageStarted(ids.get(0), 2, t, "build"));
    assertThat(store.load(ids.get(0)).orElseThrow().events()).hasSize(2);
    assertThat(store.load(ids.get(599)).orElseThrow().events()).hasSize(1);
  }
}
