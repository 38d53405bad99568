package org.pipelinekit.core.spi;

import java.util.Optional;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionTrigger;

/**
 * A rule of the host that may refuse a new execution before anything of it is stored or run — a spent budget, a freeze
 * window. The executor asks each one ({@code PipelineExecutor.Builder.admission}) for every execution and re-run; a
 * reason refuses it with {@code EXECUTION_REFUSED} (403 through the API), the reason as the message.
 */
@FunctionalInterface
public interface Admission {
  /** Why the execution may not start now, or empty when it may. */
  Optional<String> refusal(Pipeline pipeline, ExecutionTrigger trigger);
}
