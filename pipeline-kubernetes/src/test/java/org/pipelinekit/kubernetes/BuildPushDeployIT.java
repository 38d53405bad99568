package org.pipelinekit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.runner.LocalProcessRunner;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.docker.DockerRunner;
import org.pipelinekit.docker.DockerTesting;
import org.pipelinekit.docker.LocalRegistry;

/**
 * A release as a team runs it: a run builds an image on a real Docker engine, pushes it to a registry of the test's own
 * (Debian's docker-registry, with credentials from secrets), deploys it to the mock cluster and waits for the rollout;
 * a later run whose image does not roll out is rolled back to the one before.
 */
@EnableKubernetesMockClient(crud = true)
class BuildPushDeployIT {
  KubernetesClient client;
  @TempDir Path dir;
  DockerRunner docker;
  LocalRegistry registry;
  DeploymentController controller;

  @BeforeEach
  void open() throws Exception {
    docker = DockerTesting.runner();
    registry = LocalRegistry.start(dir.resolve("registry"));
    controller = new DeploymentController(client, "shop");
  }

  @AfterEach
  void close() throws Exception {
    controller.close();
    registry.close();
    docker.close();
  }

  private ExecutionSnapshot release(String tag) throws Exception {
    Path source = Files.createDirectories(dir.resolve("source"));
    Files.writeString(source.resolve("Dockerfile"), "FROM " + DockerTesting.IMAGE + "\nRUN echo shop " + tag + " > /version.txt\n");
    Files.writeString(source.resolve("deployment.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: shop }
        spec:
          replicas: 1
          selector: { matchLabels: { app: shop } }
          template:
            metadata: { labels: { app: shop } }
            spec: { containers: [{ name: shop, image: placeholder }] }
        """);
    Pipeline p = PipelineFormat.YAML.read("""
        id: release
        stages:
          - id: build
            type: docker-build
            with:
              tags: ["%s/shop/app:%s"]
              push: true
              registry_username: ${{ secrets.REGISTRY_USER }}
              registry_password: ${{ secrets.REGISTRY_TOKEN }}
          - id: deploy
            needs: [build]
            type: deploy-container
            with: { name: shop, namespace: shop, image: '${{ stages.build.outputs.image }}', replicas: 2, manifest: deployment.yaml,
                    rollout_timeout: 30s }
        """.formatted(registry.address(), tag));
    try (PipelineExecutor executor = PipelineExecutor.builder().runner(docker).runner(new LocalProcessRunner())
        .registry(StageRegistry.builder().addBuiltins().add(docker.stageTypes()).add(new KubernetesStageTypes(client)).build())
        .secrets(new InMemorySecretStore(Map.of("REGISTRY_USER", LocalRegistry.USER, "REGISTRY_TOKEN", LocalRegistry.PASSWORD)))
        .source(source).dataDirectory(dir.resolve("data-" + tag)).build()) {
      return executor.execute(p).completion().get(180, TimeUnit.SECONDS);
    } finally {
      docker.client().removeImageCmd(registry.address() + "/shop/app:" + tag).withForce(true).exec();
    }
  }

  private String deployedImage() {
    Deployment d = client.apps().deployments().inNamespace("shop").withName("shop").get();
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void aRunBuildsPushesAndRollsOut_andARolloutThatFailsIsRolledBack() throws Exception {
    ExecutionSnapshot first = release("2");
    assertThat(first.status()).as(first.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(first.stage("build").outputs().get("digest")).as("the registry's digest").matches("sha256:[0-9a-f]{64}");
    assertThat(deployedImage()).isEqualTo(registry.address() + "/shop/app:2");
    assertThat(client.apps().deployments().inNamespace("shop").withName("shop").get().getStatus().getAvailableReplicas()).isEqualTo(2);

    ExecutionSnapshot broken = release("broken");
    assertThat(broken.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(broken.stage("build").status().name()).as("it was built and pushed").isEqualTo("SUCCEEDED");
    assertThat(broken.stage("deploy").reason()).hasValueSatisfying(r -> assertThat(r).contains("ProgressDeadlineExceeded")
        .endsWith("rolled back to " + registry.address() + "/shop/app:2"));
    assertThat(deployedImage()).isEqualTo(registry.address() + "/shop/app:2");
  }
}
