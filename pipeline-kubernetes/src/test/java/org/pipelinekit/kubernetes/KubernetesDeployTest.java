package org.pipelinekit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.stage.StageRegistry;

/**
 * deploy-container on Kubernetes against fabric8's mock API server in CRUD mode, where this test plays the Deployment
 * controller: it answers each new template by updating the Deployment's status — rolled out, or, for an image ending in
 * {@code :broken}, stuck past its progress deadline.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDeployTest {
  KubernetesClient client;
  @TempDir Path dir;
  DeploymentController controller;

  @BeforeEach
  void playTheController() {
    controller = new DeploymentController(client, "shop");
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  private ExecutionSnapshot deploy(String image) throws Exception {
    Path source = Files.createDirectories(dir.resolve("source"));
    Files.writeString(source.resolve("deployment.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: shop, labels: { app: shop } }
        spec:
          replicas: 1
          selector: { matchLabels: { app: shop } }
          template:
            metadata: { labels: { app: shop } }
            spec:
              containers:
                - name: shop
                  image: registry.example.org/shop:1
        """);
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).source(source)
        .registry(StageRegistry.builder().addBuiltins().add(new KubernetesStageTypes(client)).build()).build()) {
      return executor.execute(PipelineFormat.YAML.read("""
          id: release
          stages:
            - id: deploy
              type: deploy-container
              with: { name: shop, namespace: shop, image: '%s', replicas: 3, manifest: deployment.yaml, rollout_timeout: 30s }
          """.formatted(image))).completion().get(60, TimeUnit.SECONDS);
    }
  }

  private Deployment shop() {
    return client.apps().deployments().inNamespace("shop").withName("shop").get();
  }

  @Test
  void theManifestIsApplied_theImageSet_andTheRolloutAwaited() throws Exception {
    ExecutionSnapshot done = deploy("registry.example.org/shop:2");
    assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(shop().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example.org/shop:2");
    assertThat(shop().getSpec().getReplicas()).isEqualTo(3);
    assertThat(shop().getStatus().getAvailableReplicas()).isEqualTo(3);
    assertThat(done.stage("deploy").outputs().get("revision")).isNotBlank();
  }

  @Test
  void aRolloutPastItsProgressDeadlineIsRolledBack() throws Exception {
    assertThat(deploy("registry.example.org/shop:2").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    ExecutionSnapshot done = deploy("registry.example.org/shop:broken");
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.stage("deploy").reason()).hasValueSatisfying(r -> assertThat(r).endsWith("deployment/shop did not roll out"
        + " registry.example.org/shop:broken: ProgressDeadlineExceeded (ReplicaSet shop-2 has timed out progressing); rolled back to"
        + " registry.example.org/shop:2"));
    assertThat(shop().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example.org/shop:2");
  }
}
