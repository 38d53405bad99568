package org.pipelinekit.benchmarks.engine;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.LogStore;
import org.pipelinekit.core.spi.StoredExecution;

/** Stores that keep nothing, so a benchmark measures the engine and not a growing heap. */
final class DiscardingStores {
  private DiscardingStores() {}

  static final class Executions implements ExecutionStore {
    private final AtomicLong numbers = new AtomicLong();

    @Override public String id() { return "discard"; }
    @Override public long nextNumber(String pipelineId) { return numbers.incrementAndGet(); }
    @Override public void create(ExecutionHeader header) { }
    @Override public void append(String executionId, ExecutionEvent event) { }
    @Override public Optional<StoredExecution> load(String executionId) { return Optional.empty(); }
    @Override public List<String> list(String pipelineId) { return List.of(); }
    @Override public List<String> ids() { return List.of(); }
    @Override public void delete(String executionId) { }
  }

  static final class Logs implements LogStore {
    @Override public String id() { return "discard"; }
    @Override public void append(String executionId, LogLine line) { }
    @Override public List<LogLine> read(String executionId, String stageId, long fromLine, int limit) { return List.of(); }
    @Override public long count(String executionId, String stageId) { return 0; }
    @Override public void delete(String executionId) { }
  }
}
