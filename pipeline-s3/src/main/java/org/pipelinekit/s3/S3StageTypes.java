package org.pipelinekit.s3;

import java.util.Collection;
import java.util.List;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.ReplannedStageType;
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
    StageType base = StageRegistry.builtins().get("deploy-edge");
    return List.of(ReplannedStageType.inHost(base, stage -> "s3".equals(String.valueOf(stage.inputs().get("provider")))
        ? List.of(new PlannedStep.Action("publish to S3", EdgePublish::new)) : base.plan(stage)));
  }
}
