package org.pipelinekit.docker;

import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.runner.RunnerCompatibilityKit;
import org.pipelinekit.core.spi.Runner;

/** The runner kit on a real engine: every step in a container of the busybox test image. */
class DockerRunnerCompatibilityIT extends RunnerCompatibilityKit {
  private DockerRunner docker;

  @Override
  protected Runner createRunner() {
    docker = DockerTesting.runner();
    return docker;
  }

  @Override
  protected Optional<String> image() {
    return Optional.of(DockerTesting.IMAGE);
  }

  /** The pids are the container's own; the processes are gone when the container is. */
  @Override
  protected boolean allGone(List<Long> pids) {
    return docker.liveContainers().isEmpty();
  }
}
