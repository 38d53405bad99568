package org.pipelinekit.s3;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.spi.InputSpec;
import org.pipelinekit.core.spi.OutputSpec;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.StageCategory;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.stage.StageRegistry;

/**
 * {@code deploy-edge} with {@code provider: s3}, made real: the directory published to an S3-compatible bucket (the origin
 * of a CDN) — every file uploaded with its content type, then what the bucket's prefix held that the directory no longer
 * has deleted. Other providers keep the built-in's message. Found by {@link java.util.ServiceLoader} (priority 10).
 */
public final class S3StageTypes implements StageTypeProvider {
  @Override
  public String id() {
    return "pipeline-s3";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Collection<StageType> stageTypes() {
    return List.of(new DeployEdge(StageRegistry.builtins().get("deploy-edge")));
  }

  private record DeployEdge(StageType base) implements StageType {
    @Override public String id() { return base.id(); }
    @Override public StageCategory category() { return base.category(); }
    @Override public String displayName() { return base.displayName(); }
    @Override public String description() { return base.description(); }
    @Override public List<InputSpec> inputs() { return base.inputs(); }
    @Override public List<OutputSpec> outputs() { return base.outputs(); }
    @Override public boolean acceptsSteps() { return base.acceptsSteps(); }
    @Override public Optional<String> defaultImage() { return base.defaultImage(); }
    @Override public List<Step> steps(Stage stage) { return base.steps(stage); }

    @Override
    public List<PlannedStep> plan(Stage stage) {
      if (!"s3".equals(String.valueOf(stage.inputs().get("provider")))) return base.plan(stage);
      return List.of(new PlannedStep.Action("publish to S3", EdgePublish::new));
    }
  }
}
