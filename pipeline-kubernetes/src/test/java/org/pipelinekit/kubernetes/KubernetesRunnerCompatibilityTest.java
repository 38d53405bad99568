package org.pipelinekit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.runner.RunnerCompatibilityKit;
import org.pipelinekit.core.spi.Runner;

/**
 * The runner kit against fabric8's mock API server, with {@link FakeKubelet} playing the kubelet: every step in a pod,
 * its workspace carried in and out through exec. What the double cannot show (images, limits, a real container's end)
 * is for {@code KubernetesClusterIT}.
 */
class KubernetesRunnerCompatibilityTest extends RunnerCompatibilityKit {
  @TempDir Path pods;
  private FakeKubelet kubelet;
  private KubernetesRunner kubernetes;

  @Override
  protected Runner createRunner() {
    kubelet = new FakeKubelet(pods);
    kubernetes = KubernetesRunner.builder(KubernetesRunnerSettings.builder("ci").build()).client(kubelet.client()).hostId("kit").build();
    return kubernetes;
  }

  @Override
  protected Optional<String> image() {
    return Optional.of("busybox:1.36");
  }

  @Override
  protected List<String> readWhileRunning(String file) throws Exception {
    assertThat(kubernetes.livePods()).hasSize(1);
    return Files.readAllLines(kubelet.workspace(kubernetes.livePods().get(0)).resolve(file));
  }

  @Override
  protected void closeRunner() {
    try {
      kubernetes.close();
      assertThat(kubelet.pods()).as("the runner deletes its pods when it closes").isEmpty();
    } finally {
      kubelet.close();
    }
  }
}
