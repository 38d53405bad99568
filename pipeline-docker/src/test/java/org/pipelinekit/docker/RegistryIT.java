package org.pipelinekit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.AuthConfig;
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
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.runner.LocalProcessRunner;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.stage.StageRegistry;

/**
 * docker-build pushes to a real registry: Debian's docker-registry (Docker's Distribution), started here on loopback with
 * htpasswd authentication; the image is pulled back by its digest. A wrong password fails the stage with the registry's answer.
 */
class RegistryIT {
  private static final String USER = LocalRegistry.USER;

  @TempDir Path dir;
  DockerRunner docker;
  LocalRegistry registry;
  String address;

  @BeforeEach
  void open() throws Exception {
    docker = DockerTesting.runner();
    registry = LocalRegistry.start(dir.resolve("registry"));
    address = registry.address();
  }

  @AfterEach
  void close() throws Exception {
    if (registry != null) registry.close();
    docker.close();
  }

  private ExecutionSnapshot build(String password) throws Exception {
    Path source = Files.createDirectories(dir.resolve("source-" + password.length()));
    Files.writeString(source.resolve("Dockerfile"), "FROM " + DockerTesting.IMAGE + "\nRUN echo shop > /shop.txt\n");
    try (PipelineExecutor executor = PipelineExecutor.builder().runner(docker).runner(new LocalProcessRunner())
        .registry(StageRegistry.builder().addBuiltins().add(docker.stageTypes()).build())
        .secrets(new InMemorySecretStore(Map.of("REGISTRY_USER", USER, "REGISTRY_TOKEN", password)))
        .source(source).dataDirectory(dir.resolve("data-" + password.length())).build()) {
      return executor.execute(PipelineFormat.YAML.read("""
          id: image
          stages:
            - id: build
              type: docker-build
              with:
                tags: ["%s/shop/app:1"]
                push: true
                registry_username: ${{ secrets.REGISTRY_USER }}
                registry_password: ${{ secrets.REGISTRY_TOKEN }}
          """.formatted(address))).completion().get(120, TimeUnit.SECONDS);
    }
  }

  @Test
  void theImageIsPushedWithTheStoredCredentials_andPullsBackByItsDigest() throws Exception {
    ExecutionSnapshot done = build(LocalRegistry.PASSWORD);
    assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
    String digest = done.stage("build").outputs().get("digest");
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
    assertThat(done.stage("build").outputs()).containsEntry("image", address + "/shop/app:1");

    // gone from the engine, then back from the registry by digest
    String tag = address + "/shop/app:1";
    docker.client().removeImageCmd(tag).withForce(true).exec();
    String byDigest = address + "/shop/app@" + digest;
    docker.client().pullImageCmd(byDigest).withAuthConfig(new AuthConfig().withUsername(USER).withPassword(LocalRegistry.PASSWORD)
        .withRegistryAddress(address)).start().awaitCompletion(60, TimeUnit.SECONDS);
    var pulled = docker.client().inspectImageCmd(byDigest).exec();
    assertThat(pulled.getRepoDigests()).contains(byDigest);
    docker.client().removeImageCmd(pulled.getId()).withForce(true).exec();
  }

  @Test
  void aWrongPasswordFailsTheStageWithTheRegistrysAnswer() throws Exception {
    ExecutionSnapshot done = build("not-the-password");
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.stage("build").reason()).hasValueSatisfying(r -> assertThat(r).contains("cannot push " + address + "/shop/app:1")
        .containsIgnoringCase("unauthorized"));
    docker.client().removeImageCmd(address + "/shop/app:1").withForce(true).exec();
  }
}
