package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.store.internal.JournalCodec;

/** Events as JSON, as the journal keeps them ({@code "type"}, {@code "seq"}, {@code "time"} and the event's fields); for APIs and tools. */
public final class ExecutionEvents {
  private ExecutionEvents() {}

  public static String json(ExecutionEvent event) {
    return JournalCodec.event(event);
  }
}
