package org.pipelinekit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pipelinekit.docker.internal.Owner;

/** A host killed with SIGKILL leaves its container; the next runner on this machine removes it, and nothing else. */
class OrphanSweepIT {
  @Test
  void theNextRunnerRemovesTheContainersOfAKilledHost_andLeavesLiveOnesAlone() throws Exception {
    DockerRunner runner = DockerTesting.runner(DockerRunner.builder().pullPolicy(PullPolicy.NEVER).removeOrphans(false));
    String live = null;
    String elsewhere = null;
    try {
      Process host = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), DockerCrashHost.class.getName(), DockerTesting.IMAGE)
          .redirectErrorStream(true).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null && !line.equals("started")) {
          // the child's start-up chatter
        }
        assertThat(line).as("the crash host started its step").isEqualTo("started");
      }
      host.destroyForcibly();
      assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<Container> orphans = runner.client().listContainersCmd().withShowAll(true)
          .withLabelFilter(Map.of("pipelinekit.execution", "crash-test")).exec();
      assertThat(orphans).as("the killed host's container is still there").hasSize(1);

      // a container of this (live) process, and one of another machine's host, must survive the sweep
      live = runner.client().createContainerCmd(DockerTesting.IMAGE).withCmd("sleep", "300")
          .withLabels(Map.of(Owner.MANAGED, "true", Owner.LABEL, Owner.self().label())).exec().getId();
      elsewhere = runner.client().createContainerCmd(DockerTesting.IMAGE).withCmd("sleep", "300")
          .withLabels(Map.of(Owner.MANAGED, "true", Owner.LABEL, "another-machine/1/1")).exec().getId();

      DockerRunner next = DockerTesting.runner(); // removes orphans as it is built
      try {
        assertThat(next.removedOrphans()).isGreaterThanOrEqualTo(1);
      } finally {
        next.close();
      }
      assertThat(runner.client().listContainersCmd().withShowAll(true)
          .withLabelFilter(Map.of("pipelinekit.execution", "crash-test")).exec()).isEmpty();
      List<String> remaining = runner.client().listContainersCmd().withShowAll(true)
          .withLabelFilter(Map.of(Owner.MANAGED, "true")).exec().stream().map(Container::getId).toList();
      assertThat(remaining).contains(live, elsewhere);
    } finally {
      for (String id : new String[] {live, elsewhere}) {
        if (id != null) runner.client().removeContainerCmd(id).withForce(true).exec();
      }
      runner.close();
    }
  }
}
