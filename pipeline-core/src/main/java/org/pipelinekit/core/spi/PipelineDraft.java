package org.pipelinekit.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Work in progress kept under a pipeline id: the document as the editor last had it (JSON text, which may not be a
 * valid pipeline yet), so a half-built pipeline is never lost. A draft never runs; saving a valid revision of the
 * pipeline removes it.
 *
 * @param pipelineId the pipeline it belongs to (saved or not yet)
 * @param document the pipeline document, as JSON text, exactly as the editor sent it
 * @param saved when it was stored
 */
public record PipelineDraft(String pipelineId, String document, Instant saved) {
  public PipelineDraft {
    Objects.requireNonNull(pipelineId, "pipelineId");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(saved, "saved");
  }
}
