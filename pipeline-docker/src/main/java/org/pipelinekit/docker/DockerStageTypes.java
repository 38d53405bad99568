package org.pipelinekit.docker;

import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.ReplannedStageType;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.docker.internal.ImageBuild;
import org.pipelinekit.docker.internal.ServiceContainers;

/**
 * The built-in stage types that need a Docker engine, made real: {@code docker-build} builds through
 * the engine's build API, and {@code integration-tests} with {@code services} starts them in
 * containers sharing a network namespace with the test container. Same ids, inputs and outputs as
 * the built-ins they replace (priority 10).
 *
 * <p>Found by {@link java.util.ServiceLoader} (then using a {@link DockerRunner} with the defaults,
 * made on first use), or from {@link DockerRunner#stageTypes()} to share a configured runner.
 */
public final class DockerStageTypes implements StageTypeProvider {
  private final @Nullable DockerRunner given;
  private @Nullable DockerRunner made;

  /** For {@link java.util.ServiceLoader}: connects to the engine of the environment when a stage first needs it. */
  public DockerStageTypes() {
    this.given = null;
  }

  DockerStageTypes(DockerRunner runner) {
    this.given = runner;
  }

  private synchronized DockerRunner runner() {
    if (given != null) return given;
    if (made == null) made = DockerRunner.builder().build();
    return made;
  }

  @Override
  public String id() {
    return "pipeline-docker";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Collection<StageType> stageTypes() {
    StageRegistry builtins = StageRegistry.builtins();
    return List.of(
        ReplannedStageType.of(builtins.get("docker-build"),
            stage -> List.of(new PlannedStep.Action("docker build", () -> new ImageBuild(runner())))),
        ReplannedStageType.of(builtins.get("integration-tests"), stage -> {
          Object services = stage.inputs().get("services");
          if (!(services instanceof List<?> list) || list.isEmpty()) {
            return builtins.get("integration-tests").plan(stage);
          }
          return List.of(new PlannedStep.Action("integration tests with services", () -> new ServiceContainers(runner())));
        }));
  }
}
