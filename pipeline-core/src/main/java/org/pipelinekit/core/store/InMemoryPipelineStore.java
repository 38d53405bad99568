package org.pipelinekit.core.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.spi.PipelineStore;

/** A {@link PipelineStore} in memory, for tests and hosts that keep pipelines elsewhere. */
public final class InMemoryPipelineStore implements PipelineStore {
  private final ConcurrentSkipListMap<String, Pipeline> pipelines = new ConcurrentSkipListMap<>();

  @Override
  public String id() {
    return "memory";
  }

  @Override
  public Optional<Pipeline> find(String pipelineId) {
    return Optional.ofNullable(pipelines.get(pipelineId));
  }

  @Override
  public List<Pipeline> list() {
    return List.copyOf(pipelines.values());
  }

  @Override
  public Pipeline save(Pipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    return pipelines.compute(pipeline.id(), (id, old) -> pipeline.withVersion(old == null ? 1 : old.version() + 1));
  }

  @Override
  public Pipeline save(Pipeline pipeline, long expectedVersion) {
    Objects.requireNonNull(pipeline, "pipeline");
    return pipelines.compute(pipeline.id(), (id, old) -> {
      long stored = old == null ? 0 : old.version();
      if (stored != expectedVersion) {
        throw StoreConflicts.conflict(id, stored, expectedVersion);
      }
      return pipeline.withVersion(stored + 1);
    });
  }

  @Override
  public boolean delete(String pipelineId) {
    return pipelines.remove(pipelineId) != null;
  }
}
