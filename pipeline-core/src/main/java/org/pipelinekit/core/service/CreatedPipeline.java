package org.pipelinekit.core.service;

import java.util.List;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.validate.Problem;

/** A saved pipeline (with its new revision), its execution plan and the warnings found on the way. */
public record CreatedPipeline(Pipeline pipeline, ExecutionPlan plan, List<Problem> warnings) {
  public CreatedPipeline {
    warnings = List.copyOf(warnings);
  }
}
