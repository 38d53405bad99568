package org.pipelinekit.core.spi;

import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.model.Pipeline;

/**
 * Where pipeline definitions live. Every save gives the pipeline the next revision number
 * ({@link Pipeline#version()}): 1 for a new pipeline. Implementations must be safe for concurrent
 * use and must never leave a half-written pipeline behind.
 *
 * <p>Embedded implementations: {@code InMemoryPipelineStore} and {@code FilePipelineStore}
 * (pipeline-core); every implementation's tests extend {@code StoreCompatibilityKit}.
 */
public interface PipelineStore extends AutoCloseable {

  /** A name for messages and logs, such as {@code file:/var/lib/pipelinekit}. */
  String id();

  Optional<Pipeline> find(String pipelineId);

  /** Every stored pipeline, ordered by id. */
  List<Pipeline> list();

  /** Stores the pipeline whatever revision is stored; returns it with its new revision. */
  Pipeline save(Pipeline pipeline);

  /**
   * Stores the pipeline only if the stored revision is {@code expectedVersion} (0: only if none is
   * stored), so two editors cannot overwrite each other unknowingly.
   *
   * @throws org.pipelinekit.core.PipelineException {@code STORE_CONFLICT} naming both revisions
   */
  Pipeline save(Pipeline pipeline, long expectedVersion);

  /** Removes the pipeline; false when there was none. */
  boolean delete(String pipelineId);

  /** The draft kept under this pipeline id, if any (see {@link PipelineDraft}). */
  default Optional<PipelineDraft> findDraft(String pipelineId) {
    return Optional.empty();
  }

  /** Every draft, ordered by pipeline id. */
  default List<PipelineDraft> drafts() {
    return List.of();
  }

  /**
   * Keeps {@code document} as the draft of {@code pipelineId}, replacing the one before; the id must be a valid
   * pipeline id. A store that keeps no drafts refuses.
   */
  default PipelineDraft saveDraft(String pipelineId, String document) {
    throw new UnsupportedOperationException("the pipeline store " + id() + " keeps no drafts");
  }

  /** Removes the draft; false when there was none. */
  default boolean deleteDraft(String pipelineId) {
    return false;
  }

  @Override
  default void close() {}
}
