package org.pipelinekit.core.spi;

import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;

/**
 * The journal of executions: a header written once, then events appended in order. What a restarted
 * host rebuilds executions from, so {@link #append} must reach durable storage (the OS at least)
 * before it returns. Embedded defaults: {@code FileExecutionStore}, {@code InMemoryExecutionStore}.
 */
public interface ExecutionStore extends AutoCloseable {
  String id();

  /** The next execution number of a pipeline (1 for its first), unique even across restarts. */
  long nextNumber(String pipelineId);

  void create(ExecutionHeader header);

  void append(String executionId, ExecutionEvent event);

  Optional<StoredExecution> load(String executionId);

  /** Ids of a pipeline's executions, newest first. */
  List<String> list(String pipelineId);

  /** Ids of every stored execution. */
  List<String> ids();

  void delete(String executionId);

  /**
   * Ids of the executions whose journal has no end ({@code ExecutionFinished}): running here or elsewhere, or left
   * by a host that stopped. The default reads every journal; a store that can ask cheaper should.
   */
  default List<String> unfinished() {
    List<String> out = new java.util.ArrayList<>();
    for (String id : ids()) {
      try {
        load(id).filter(s -> s.events().stream().noneMatch(e -> e instanceof ExecutionEvent.ExecutionFinished)).ifPresent(s -> out.add(id));
      } catch (RuntimeException e) {
        // a journal that cannot be read is not one to go on with; reading it is where it is reported
      }
    }
    return out;
  }

  @Override
  default void close() {}
}
