package org.pipelinekit.core.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.StoredExecution;

/** An {@link ExecutionStore} in memory: nothing survives the host; for tests, benchmarks and throwaway hosts. */
public final class InMemoryExecutionStore implements ExecutionStore {
  private final Map<String, ExecutionHeader> headers = new ConcurrentHashMap<>();
  private final Map<String, List<ExecutionEvent>> journals = new ConcurrentHashMap<>();
  private final Map<String, Long> numbers = new ConcurrentHashMap<>();

  @Override
  public String id() {
    return "memory";
  }

  @Override
  public long nextNumber(String pipelineId) {
    return numbers.merge(pipelineId, 1L, Long::sum);
  }

  @Override
  public void create(ExecutionHeader header) {
    if (headers.putIfAbsent(header.id(), header) != null) {
      throw new PipelineException(ErrorCode.STORE_CONFLICT, "execution " + header.id() + " already exists");
    }
    journals.put(header.id(), Collections.synchronizedList(new ArrayList<>()));
  }

  @Override
  public void append(String executionId, ExecutionEvent event) {
    List<ExecutionEvent> journal = journals.get(executionId);
    if (journal == null) throw new PipelineException(ErrorCode.EXECUTION_UNKNOWN, "no execution " + executionId);
    journal.add(event);
  }

  @Override
  public Optional<StoredExecution> load(String executionId) {
    ExecutionHeader h = headers.get(executionId);
    if (h == null) return Optional.empty();
    List<ExecutionEvent> journal = journals.get(executionId);
    synchronized (journal) {
      return Optional.of(new StoredExecution(h, new ArrayList<>(journal)));
    }
  }

  @Override
  public List<String> list(String pipelineId) {
    return headers.values().stream().filter(h -> h.pipelineId().equals(pipelineId))
        .sorted((a, b) -> Long.compare(b.number(), a.number())).map(ExecutionHeader::id).toList();
  }

  @Override
  public List<String> ids() {
    return List.copyOf(headers.keySet());
  }

  @Override
  public void delete(String executionId) {
    headers.remove(executionId);
    journals.remove(executionId);
  }
}
