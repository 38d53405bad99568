package org.pipelinekit.core.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers the results of memoized stages ({@code memoize: <key>}): after a job of such a stage
 * succeeds the engine records its outputs and log under the rendered key; a later job of the same
 * pipeline and job id with the same key is not run but replayed and ends CACHED. pipeline-cache's
 * {@code CacheManager.stageMemo()} keeps them in the cache store.
 */
public interface StageMemo {

  /** A recorded result: the outputs and log lines of the job, and the execution that produced it. */
  record Memo(Map<String, String> outputs, List<String> log, String executionId) {
    public Memo {
      outputs = Map.copyOf(outputs);
      log = List.copyOf(log);
      Objects.requireNonNull(executionId, "executionId");
    }
  }

  /** The recorded result of the job for the key, if any; called off the engine's threads. */
  Optional<Memo> find(String pipelineId, String jobId, String key);

  /** Records a successful job's result; called off the engine's threads. */
  void record(String pipelineId, String jobId, String key, Memo memo);
}
