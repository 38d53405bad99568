package org.pipelinekit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.core.testing.StageLogs;
import org.pipelinekit.core.validate.PipelineValidator;

/** The docker-build stage type and integration tests with service containers, on the real engine. */
class BuildAndServicesIT {
  static final String IMAGE = DockerTesting.IMAGE;

  @TempDir Path dir;
  DockerRunner docker;
  PipelineExecutor executor;
  Path workspace;

  @BeforeEach
  void open() throws Exception {
    docker = DockerTesting.runner();
    workspace = Files.createDirectories(dir.resolve("ws"));
    StageRegistry registry = StageRegistry.builder().addBuiltins().add(docker.stageTypes()).build();
    executor = PipelineExecutor.builder()
        .runner(docker)
        .registry(registry)
        .validator(PipelineValidator.builder().registry(registry).build())
        .sharedWorkspace(workspace)
        .cancelGracePeriod(Duration.ofSeconds(1))
        .dataDirectory(dir.resolve("data"))
        .build();
  }

  @AfterEach
  void close() {
    DockerTesting.closeChecked(executor, docker);
  }

  private ExecutionSnapshot run(Pipeline p) {
    return executor.execute(p, ExecutionTrigger.manual().branch("main"), Map.of()).completion().join();
  }

  private List<String> log(ExecutionSnapshot done, String stage) {
    return StageLogs.of(executor, done, stage);
  }

  @Test
  void dockerBuildBuildsAnImageAndTheNextStageRunsIt() throws Exception {
    Files.createDirectories(workspace.resolve("app"));
    Files.writeString(workspace.resolve("app/Dockerfile"), """
        FROM %s
        ARG GREETING=hi
        RUN echo "$GREETING from the image" > /greeting.txt
        CMD ["cat", "/greeting.txt"]
        """.formatted(IMAGE));
    String tag = "pipelinekit/built-by-test:" + System.nanoTime();
    Pipeline p = Pipeline.builder("build-then-run")
        .stage("image", s -> s.type("docker-build").with("context", "app").with("dockerfile", "Dockerfile")
            .with("tags", List.of(tag)).with("build_args", Map.of("GREETING", "hello")))
        .stage("use", s -> s.needs("image").image("${{ stages.image.outputs.image }}")
            .run("cat /greeting.txt; echo digest=${{ stages.image.outputs.digest }}"))
        .build();
    try {
      ExecutionSnapshot done = run(p);
      assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.stage("image").outputs()).containsEntry("image", tag);
      assertThat(done.stage("image").outputs().get("digest")).startsWith("sha256:");
      assertThat(log(done, "image")).anyMatch(l -> l.contains("RUN echo")).anyMatch(l -> l.startsWith("built sha256:"));
      assertThat(log(done, "use")).contains("hello from the image", "digest=" + done.stage("image").outputs().get("digest"));
    } finally {
      try {
        docker.client().removeImageCmd(tag).withForce(true).exec();
      } catch (NotFoundException ignored) {
        // not built
      }
    }
  }

  @Test
  void aFailingBuildFailsTheStageWithTheBuildersMessage() throws Exception {
    Files.writeString(workspace.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN echo about to fail && exit 7\n");
    Pipeline p = Pipeline.builder("bad-build")
        .stage("image", s -> s.type("docker-build").with("tags", List.of("pipelinekit/never-built:1")))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.stage("image").reason().orElseThrow()).contains("docker build failed").contains("returned a non-zero code: 7");
    assertThat(log(done, "image")).contains("about to fail");
  }

  @Test
  void aServiceContainerAnswersTheStage_andIsRemovedAfter() {
    String web = "mkdir -p /www && echo 'hello from the service' > /www/index.html && echo serving && httpd -f -p 8080 -h /www";
    String slow = "sleep 1; touch /tmp/ready; echo ready; sleep 300";
    Pipeline p = Pipeline.builder("services")
        .stage("it", s -> s.type("integration-tests").image(IMAGE)
            .with("services", List.of(
                Map.of("name", "web", "image", IMAGE, "ports", List.of(8080), "command", web),
                Map.of("name", "queue", "image", IMAGE, "command", slow, "health", "test -f /tmp/ready")))
            .with("test_command", "wget -qO- http://web:8080/index.html && test -f /tmp/ready || echo 'the step has its own file system'"))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).as(String.join("\n", log(done, "it"))).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(log(done, "it")).contains("[web] serving", "[queue] ready", "service web is ready", "service queue is ready",
        "hello from the service", "the step has its own file system");
    assertThat(log(done, "it").indexOf("service queue is ready")).isLessThan(log(done, "it").indexOf("hello from the service"));
  }

  @Test
  void aServiceThatDiesBeforeItIsReadyFailsTheStage() {
    Pipeline p = Pipeline.builder("dead-service")
        .stage("it", s -> s.type("integration-tests").image(IMAGE)
            .with("services", List.of(Map.of("name", "db", "image", IMAGE, "ports", List.of(5432),
                "command", "echo 'FATAL: no data directory'; exit 3")))
            .with("test_command", "echo never"))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.stage("it").reason().orElseThrow()).contains("service db stopped before it was ready (exit code 3)");
    assertThat(log(done, "it")).contains("[db] FATAL: no data directory").doesNotContain("never");
  }
}
