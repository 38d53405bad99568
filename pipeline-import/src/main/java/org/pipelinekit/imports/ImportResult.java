package org.pipelinekit.imports;

import org.pipelinekit.core.model.Pipeline;

/** An imported pipeline (a draft: validate it before running) and what became of each source key. */
public record ImportResult(Pipeline pipeline, ImportReport report) {}
