package org.pipelinekit.core.spi;

import java.util.List;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;

/** An execution as an {@link ExecutionStore} keeps it: its header and its journal of events. */
public record StoredExecution(ExecutionHeader header, List<ExecutionEvent> events) {
  public StoredExecution {
    events = List.copyOf(events);
  }
}
