package org.pipelinekit.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.pipelinekit.core.runner.RunnerCompatibilityKit;
import org.pipelinekit.core.spi.Runner;

/**
 * The runner kit on a real cluster: runs when {@code KUBECONFIG} names a kubeconfig file (kind, k3s or any cluster; see
 * docs/KUBERNETES.md), and is skipped with that message otherwise. Namespace {@code PIPELINEKIT_K8S_NAMESPACE} (default
 * {@code default}), image {@code PIPELINEKIT_K8S_IMAGE} (default {@code busybox:1.36}, which the cluster must be able to pull).
 */
class KubernetesClusterIT extends RunnerCompatibilityKit {
  private static final String NAMESPACE = Optional.ofNullable(System.getenv("PIPELINEKIT_K8S_NAMESPACE")).orElse("default");
  private static final String IMAGE = Optional.ofNullable(System.getenv("PIPELINEKIT_K8S_IMAGE")).orElse("busybox:1.36");
  private static final java.util.concurrent.atomic.AtomicBoolean said = new java.util.concurrent.atomic.AtomicBoolean();
  private KubernetesClient client;
  private KubernetesRunner kubernetes;

  @Override
  protected Runner createRunner() {
    String kubeconfig = System.getenv("KUBECONFIG");
    boolean there = kubeconfig != null && !kubeconfig.isBlank() && Files.isRegularFile(Path.of(kubeconfig.split(":")[0]));
    if (!there && !said.getAndSet(true)) System.err.println("KubernetesClusterIT skipped: KUBECONFIG does not name a kubeconfig file (see docs/KUBERNETES.md)");
    Assumptions.assumeTrue(there, "KUBECONFIG does not name a kubeconfig file: the cluster test needs a cluster (see docs/KUBERNETES.md)");
    client = new KubernetesClientBuilder().build();
    kubernetes = KubernetesRunner.builder(KubernetesRunnerSettings.builder(NAMESPACE).build()).client(client)
        .hostId("pipelinekit-it-" + ProcessHandle.current().pid()).build();
    return kubernetes;
  }

  @Override
  protected Optional<String> image() {
    return Optional.of(IMAGE);
  }

  @Override
  protected List<String> readWhileRunning(String file) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lastPod = kubernetes.livePods().get(0);
    try (var exec = client.pods().inNamespace(NAMESPACE).withName(lastPod).inContainer("job").writingOutput(out)
        .exec("cat", "/workspace/" + file)) {
      exec.exitCode().get(30, TimeUnit.SECONDS);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** The pids are the container's: they are gone when its pod is (cancel deletes it). */
  @Override
  protected boolean allGone(List<Long> pids) {
    try {
      client.pods().inNamespace(NAMESPACE).withName(lastPod).waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private volatile String lastPod;

  @Override
  protected void closeRunner() {
    if (kubernetes == null) return;
    try {
      kubernetes.close();
    } finally {
      client.close();
    }
  }
}
