package org.pipelinekit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.pipelinekit.docker.internal.Owner;

/** Runs after every other test class of the module (see junit-platform.properties): not one of our containers is left. */
@Order(Integer.MAX_VALUE)
class NoContainersLeftIT {
  @Test
  void noContainerLabelledByPipelineKitIsLeftOnTheEngine() {
    DockerRunner runner = DockerTesting.runner(DockerRunner.builder().pullPolicy(PullPolicy.NEVER).removeOrphans(false));
    try {
      assertThat(runner.client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(Owner.MANAGED, "true")).exec())
          .as("docker ps -a --filter label=%s=true", Owner.MANAGED).isEmpty();
    } finally {
      runner.close();
    }
  }
}
