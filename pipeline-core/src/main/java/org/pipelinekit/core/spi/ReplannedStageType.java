package org.pipelinekit.core.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;

/**
 * A stage type that is another one — same id, name, inputs, outputs and shell steps — planned differently: how a module
 * makes a built-in real (pipeline-docker's docker-build, pipeline-kubernetes' deploy-container, …) from a provider of a
 * higher priority. {@link #inHost} types run their plan in the host, so they drop the built-in's default image.
 */
public record ReplannedStageType(StageType base, Function<Stage, List<PlannedStep>> planner, boolean runsInHost) implements StageType {
  public ReplannedStageType {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(planner, "planner");
  }

  /** {@code base} planned by {@code planner}, its default image kept. */
  public static ReplannedStageType of(StageType base, Function<Stage, List<PlannedStep>> planner) {
    return new ReplannedStageType(base, planner, false);
  }

  /** {@code base} planned by {@code planner}, which runs in the host: no default image. */
  public static ReplannedStageType inHost(StageType base, Function<Stage, List<PlannedStep>> planner) {
    return new ReplannedStageType(base, planner, true);
  }

  @Override public String id() { return base.id(); }
  @Override public StageCategory category() { return base.category(); }
  @Override public String displayName() { return base.displayName(); }
  @Override public String description() { return base.description(); }
  @Override public List<InputSpec> inputs() { return base.inputs(); }
  @Override public List<OutputSpec> outputs() { return base.outputs(); }
  @Override public boolean acceptsSteps() { return base.acceptsSteps(); }
  @Override public Optional<String> defaultImage() { return runsInHost ? Optional.empty() : base.defaultImage(); }
  @Override public List<Step> steps(Stage stage) { return base.steps(stage); }
  @Override public List<PlannedStep> plan(Stage stage) { return planner.apply(stage); }
}
