package org.pipelinekit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.runner.LocalProcessRunner;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.core.testing.StageLogs;

/** Pipelines whose stages run in containers on the real engine, through the engine of pipeline-core. */
class DockerPipelineIT {
  static final String IMAGE = DockerTesting.IMAGE;

  @TempDir Path dir;
  DockerRunner docker;
  PipelineExecutor executor;
  LocalProcessRunner local;
  final List<ExecutionEvent> events = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void open() {
    docker = DockerTesting.runner();
    executor = PipelineExecutor.builder()
        .runner(docker)
        .runner(local = new LocalProcessRunner())
        .registry(StageRegistry.builder().addBuiltins().add(docker.stageTypes()).build())
        .secrets(new InMemorySecretStore(Map.of("TOKEN", "s3cr3t-value")))
        .cancelGracePeriod(Duration.ofSeconds(1))
        .dataDirectory(dir.resolve("data"))
        .build();
  }

  @AfterEach
  void close() {
    DockerTesting.closeChecked(executor, docker);
    local.close(); // (a runner given to the builder is the caller's to close)
  }

  private ExecutionSnapshot run(Pipeline p) {
    return org.pipelinekit.core.testing.Runs.runAndHearAll(executor, p, events); // (events may come after the completion)
  }

  private List<String> log(ExecutionSnapshot done, String stage) {
    return StageLogs.of(executor, done, stage);
  }

  @Test
  void stagesRunInContainersAndPassFilesAndOutputsOn() {
    Pipeline p = Pipeline.builder("containers")
        .stage("write", s -> s.image(IMAGE).outputs("greeting").artifacts(a -> a.path("artifact.txt"))
            .run("hostname > who-wrote.txt; echo built-in-a-container > artifact.txt")
            .run("echo \"greeting=hello from $(cat artifact.txt)\" >> \"$PIPELINE_OUTPUT\""))
        .stage("read", s -> s.needs("write").image(IMAGE)
            .run("cat artifact.txt; echo '${{ stages.write.outputs.greeting }}'; ls /sys/class/net; echo token=$TOKEN;"
                + " [ -e who-wrote.txt ] || echo own-workspace; pwd")
            .env("TOKEN", "${{ secrets.TOKEN }}"))
        .stage("host", s -> s.needs("read").run("cat artifact.txt"))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(log(done, "read")).contains("built-in-a-container", "hello from built-in-a-container", "lo", "token=***")
        .doesNotContain("s3cr3t-value");
    assertThat(log(done, "read")).filteredOn(l -> l.equals("eth0")).isEmpty(); // network none: loopback only
    assertThat(log(done, "read")).as("each job its own workspace: only write's artifact came").contains("own-workspace");
    assertThat(log(done, "host")).contains("built-in-a-container"); // the step without an image ran on the host, from write's artifact
    List<ExecutionEvent.StepStarted> started = events.stream().filter(ev -> ev instanceof ExecutionEvent.StepStarted)
        .map(ev -> (ExecutionEvent.StepStarted) ev).toList();
    assertThat(started).extracting(ExecutionEvent.StepStarted::runner).containsExactly("docker", "docker", "docker", "local");
    assertThat(started).allSatisfy(st -> assertThat(st.startup()).isPositive());
  }

  /**
   * Network policy: a container step reaches nothing by default — not a server the host runs on its loopback, which a step
   * on the host's network (the runner's opt-in) does reach with the same command.
   */
  @Test
  void aContainerStepCannotReachTheHostsServices_unlessTheRunnerGivesItTheHostsNetwork() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", x -> {
      byte[] body = "the host's secret service".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    server.start();
    // (busybox's nc: its static wget cannot resolve even an address here)
    String fetch = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 " + server.getAddress().getPort() + " && echo && echo reached || echo unreachable";
    try {
      ExecutionSnapshot sandboxed = run(Pipeline.builder("sandboxed").stage("fetch", s -> s.image(IMAGE).run(fetch)).build());
      assertThat(log(sandboxed, "fetch")).contains("unreachable").doesNotContain("the host's secret service")
          .anyMatch(l -> l.contains("Connection refused"));

      try (DockerRunner hostNetwork = DockerTesting.runner(DockerRunner.builder().pullPolicy(PullPolicy.NEVER).network(NetworkMode.HOST));
          PipelineExecutor onHost = PipelineExecutor.builder().runner(hostNetwork).dataDirectory(dir.resolve("host-data")).build()) {
        ExecutionSnapshot open = onHost.execute(Pipeline.builder("open").stage("fetch", s -> s.image(IMAGE).run(fetch)).build())
            .completion().join();
        assertThat(StageLogs.of(onHost, open, "fetch")).as("the same command on the host's network reaches it")
            .contains("the host's secret service", "reached");
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aStepOverItsMemoryLimitIsOomKilledAndReportedSo() {
    Pipeline p = Pipeline.builder("oom")
        .stage("hog", s -> s.image(IMAGE).resources("1", "16Mi")
            .run("echo allocating; x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.stage("hog").exitCode()).contains(137);
    assertThat(done.stage("hog").reason().orElseThrow()).contains("out of memory").contains("16Mi").contains("raise resources.memory");
    assertThat(log(done, "hog")).contains("allocating").doesNotContain("survived");
  }

  @Test
  void thePipelinesDefaultResources_becomeTheContainersLimits() {
    Pipeline p = Pipeline.builder("oom-by-default")
        .defaults(d -> d.resources("1", "16Mi"))
        .stage("hog", s -> s.image(IMAGE).run("echo allocating; x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.stage("hog").exitCode()).contains(137);
    assertThat(done.stage("hog").reason().orElseThrow()).contains("out of memory").contains("16Mi");
  }

  @Test
  void cancelStopsTheContainer() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Pipeline p = Pipeline.builder("long")
        .stage("sleeper", s -> s.image(IMAGE).run("trap '' TERM; echo sleeping; sleep 300"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), ev -> {
      if (ev instanceof ExecutionEvent.LogAppended l && l.line().text().equals("sleeping")) running.countDown();
    });
    assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(docker.liveContainers()).hasSize(1);
    e.cancel("stop it");
    ExecutionSnapshot done = e.completion().get(60, TimeUnit.SECONDS); // the step sleeps 300 s and traps TERM: it was killed
    assertThat(done.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(docker.liveContainers()).isEmpty();
  }

  @Test
  void aStepTimeoutStopsAndRemovesTheContainer() {
    Pipeline p = Pipeline.builder("slow")
        .stage("slow", s -> s.image(IMAGE).timeout(Duration.ofSeconds(2)).run("echo start; sleep 300"))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.stage("slow").status()).isEqualTo(StageStatus.TIMED_OUT);
    assertThat(docker.liveContainers()).isEmpty();
  }

  @Test
  void containersCarryTheLabelsOfTheirExecutionAndStage() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Pipeline p = Pipeline.builder("labels").stage("look", s -> s.image(IMAGE).run("echo up; sleep 300")).build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), ev -> {
      if (ev instanceof ExecutionEvent.LogAppended l && l.line().text().equals("up")) running.countDown();
    });
    assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
    var containers = docker.client().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of("pipelinekit.execution", e.id(), "pipelinekit.stage", "look")).exec();
    assertThat(containers).hasSize(1);
    assertThat(containers.get(0).getLabels()).containsEntry("pipelinekit.job", "look").containsEntry("pipelinekit.attempt", "1")
        .containsEntry("pipelinekit.managed", "true").containsKey("pipelinekit.owner");
    e.cancel("done looking");
    e.completion().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aMissingImageFailsTheStageNamingIt_withoutPulling() {
    Pipeline p = Pipeline.builder("missing").stage("x", s -> s.image("pipelinekit/not-here:1").run("true")).build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.stage("x").reason().orElseThrow()).contains("image pipelinekit/not-here:1 is not on the Docker engine")
        .contains("pull policy is NEVER");
  }

  @Test
  void aStepWritesTheWorkspaceAsTheConfiguredUser() throws Exception {
    DockerRunner asUser = DockerTesting.runner(DockerRunner.builder().pullPolicy(PullPolicy.NEVER).user("1234:1234"));
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ws.toFile().setWritable(true, false);
    try (PipelineExecutor ex = PipelineExecutor.builder().runner(asUser).sharedWorkspace(ws).dataDirectory(dir.resolve("user")).build()) {
      Pipeline p = Pipeline.builder("user").stage("w", s -> s.image(IMAGE).run("id -u; touch made-by-step")).build();
      ExecutionSnapshot done = ex.execute(p).completion().join();
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(ex.execution(done.id()).orElseThrow().logs().read("w", 1, 10)).extracting(LogLine::text).contains("1234");
      assertThat(Files.getAttribute(ws.resolve("made-by-step"), "unix:uid")).isEqualTo(1234);
    } finally {
      asUser.close();
    }
  }
}
