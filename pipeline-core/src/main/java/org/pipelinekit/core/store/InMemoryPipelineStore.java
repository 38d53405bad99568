package org.pipelinekit.core.store;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.pipelinekit.core.model.Ids;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.spi.PipelineDraft;
import org.pipelinekit.core.spi.PipelineStore;

/** A {@link PipelineStore} in memory, for tests and hosts that keep pipelines elsewhere. */
public final class InMemoryPipelineStore implements PipelineStore {
  private final ConcurrentSkipListMap<String, Pipeline> pipelines = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<String, PipelineDraft> drafts = new ConcurrentSkipListMap<>();
  private final Clock clock;

  public InMemoryPipelineStore() {
    this(Clock.systemUTC());
  }

  public InMemoryPipelineStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

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

  @Override
  public Optional<PipelineDraft> findDraft(String pipelineId) {
    return Optional.ofNullable(drafts.get(pipelineId));
  }

  @Override
  public List<PipelineDraft> drafts() {
    return List.copyOf(drafts.values());
  }

  @Override
  public PipelineDraft saveDraft(String pipelineId, String document) {
    Ids.require(pipelineId, "pipeline id");
    PipelineDraft d = new PipelineDraft(pipelineId, document, clock.instant());
    drafts.put(pipelineId, d);
    return d;
  }

  @Override
  public boolean deleteDraft(String pipelineId) {
    return drafts.remove(pipelineId) != null;
  }
}
