package org.pipelinekit.core.plan;

import java.time.Duration;
import java.util.List;
import org.pipelinekit.core.model.EffectiveSettings;
import org.pipelinekit.core.model.Stage;

/**
 * A stage in an {@link ExecutionPlan}: its {@code level} (the length of the longest chain of needs
 * above it), the needs that matter after transitive reduction, the needs that are implied by
 * others, its matrix cells, its estimated duration and the settings its jobs run with (resolved once).
 */
public record PlannedStage(
    Stage stage,
    int level,
    List<String> needs,
    List<String> redundantNeeds,
    List<MatrixCell> cells,
    Duration estimate,
    EffectiveSettings settings) {

  public PlannedStage {
    needs = List.copyOf(needs);
    redundantNeeds = List.copyOf(redundantNeeds);
    cells = List.copyOf(cells);
  }

  public String id() {
    return stage.id();
  }
}
