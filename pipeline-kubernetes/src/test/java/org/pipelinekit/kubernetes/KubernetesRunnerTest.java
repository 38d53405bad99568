package org.pipelinekit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepRequest;

/**
 * The Kubernetes runner against fabric8's mock API server with {@link FakeKubelet} as the kubelet: what its pods hold, how
 * the workspace travels, cancel, a dropped connection, a host that starts again, and each way a pod fails.
 */
class KubernetesRunnerTest {
  private static final Map<String, String> JOB = Map.of("pipelinekit.execution", "build-7", "pipelinekit.stage", "test",
      "pipelinekit.job", "test", "pipelinekit.attempt", "1");

  @TempDir Path pods;
  @TempDir Path workspace;
  private FakeKubelet kubelet;
  private KubernetesRunner runner;

  @BeforeEach
  void open() {
    kubelet = new FakeKubelet(pods);
    runner = runner("host-a");
  }

  private KubernetesRunner runner(String host) {
    return KubernetesRunner.builder(KubernetesRunnerSettings.builder("ci").serviceAccount("pipelinekit-jobs").build())
        .client(kubelet.client()).hostId(host).startTimeout(Duration.ofSeconds(20)).build();
  }

  @AfterEach
  void close() {
    try {
      runner.close();
    } finally {
      kubelet.close();
    }
  }

  private StepRequest request(String command, Optional<String> image, Optional<Resources> resources, Optional<Duration> timeout) {
    return new StepRequest(command, Map.of(), workspace, image, resources, JOB, workspace, timeout, Set.of());
  }

  private StepRequest request(String command) {
    return request(command, Optional.of("busybox:1.36"), Optional.empty(), Optional.empty());
  }

  private record Result(StepExit exit, List<String> lines) {}

  private Result run(StepRequest request) throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    StepExit exit = runner.start(request, lines::add).exit().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return new Result(exit, List.copyOf(lines));
  }

  @Test
  void theJobsPod_carriesItsImageResourcesLabelsDeadlineAndVolumes_andGoesWhenTheJobEnds() throws Exception {
    Result r = run(request("echo in-the-pod", Optional.of("maven:3-eclipse-temurin-21"), Optional.of(Resources.of("500m", "1Gi")),
        Optional.of(Duration.ofMinutes(10))));
    assertThat(r.exit()).isEqualTo(StepExit.SUCCESS);
    assertThat(r.lines()).containsExactly("in-the-pod");
    Pod pod = kubelet.pods().get(0);
    assertThat(pod.getMetadata().getLabels()).containsEntry("pipelinekit.io/owner", "host-a").containsEntry("pipelinekit.io/execution", "build-7")
        .containsEntry("pipelinekit.io/stage", "test").containsEntry("pipelinekit.io/job", "test").containsEntry("pipelinekit.io/attempt", "1");
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).as("the stage's timeout and the margin").isEqualTo(600L + 120L);
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("pipelinekit-jobs");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getVolumes()).extracting(v -> v.getName()).containsExactly("workspace", "pipelinekit");
    var container = pod.getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("maven:3-eclipse-temurin-21");
    assertThat(container.getResources().getLimits()).containsEntry("cpu", new Quantity("500m"))
        .containsEntry("memory", new Quantity(Long.toString(1L << 30)));
    runner.jobEnded(JOB);
    assertThat(kubelet.pods()).isEmpty();
    assertThat(kubelet.deleted).containsExactly(pod.getMetadata().getName() + " grace 0");
  }

  @Test
  void theWorkspaceTravels_inAndOutOfThePod_stepByStep_withModesLinksDeletionsAndOutputs() throws Exception {
    Files.writeString(workspace.resolve("source.txt"), "from the host");
    Files.writeString(workspace.resolve("obsolete.txt"), "to be deleted in the pod");
    Result first = run(request("cat source.txt; mkdir -p build/classes; echo compiled > build/classes/App.class;"
        + " printf '#!/bin/sh\\necho run\\n' > build/run.sh; chmod 755 build/run.sh; ln -s classes/App.class build/latest;"
        + " rm obsolete.txt; echo 'version=1.2.3' >> \"$PIPELINE_OUTPUT\""));
    assertThat(first.exit().exitCode()).isZero();
    assertThat(first.lines()).containsExactly("from the host");
    assertThat(first.exit().outputs()).containsEntry("version", "1.2.3");
    assertThat(workspace.resolve("build/classes/App.class")).hasContent("compiled");
    assertThat(Files.getPosixFilePermissions(workspace.resolve("build/run.sh"))).contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.readSymbolicLink(workspace.resolve("build/latest"))).isEqualTo(Path.of("classes/App.class"));
    assertThat(workspace.resolve("obsolete.txt")).doesNotExist();
    // between steps the host changes the workspace (an in-process action, a cache restore): the next step sees it
    Files.writeString(workspace.resolve("source.txt"), "changed on the host!\n");
    Files.delete(workspace.resolve("build/run.sh"));
    Files.createDirectories(workspace.resolve("module"));
    Result second = run(new StepRequest("cat ../source.txt; ls ../build; pwd", Map.of("GREETING", "it's \"quoted\" $HOME"),
        workspace.resolve("module"), Optional.of("busybox:1.36"), Optional.empty(), JOB, workspace, Optional.empty(), Set.of()));
    assertThat(second.lines()).startsWith("changed on the host!", "classes", "latest");
    assertThat(second.lines().get(second.lines().size() - 1)).endsWith("/workspace/module");
    assertThat(kubelet.pods()).as("one pod for the job's steps").hasSize(1);
    Result env = run(request("echo \"$GREETING\"; echo \"[$P][$W]\"", Optional.of("busybox:1.36"), Optional.empty(), Optional.empty()));
    assertThat(env.lines()).containsExactly("", "[][]");
    Result quoted = run(new StepRequest("echo \"$GREETING\"", Map.of("GREETING", "it's \"quoted\" $HOME"), workspace,
        Optional.of("busybox:1.36"), Optional.empty(), JOB, workspace, Optional.empty(), Set.of()));
    assertThat(quoted.lines()).containsExactly("it's \"quoted\" $HOME");
  }

  @Test
  void cancel_deletesThePodWithTheEnginesGrace_andTheNextStepGetsAFreshPodWithTheWorkspace() throws Exception {
    Files.writeString(workspace.resolve("kept.txt"), "kept");
    CountDownLatch started = new CountDownLatch(1);
    RunningStep step = runner.start(request("echo started; sleep 120"), line -> {
      if (line.equals("started")) started.countDown();
    });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    String pod = runner.livePods().get(0);
    step.cancel(Duration.ofSeconds(3));
    StepExit exit = step.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(exit.succeeded()).isFalse();
    assertThat(kubelet.deleted).contains(pod + " grace 3");
    assertThat(kubelet.pod("ci", pod)).isEmpty();
    // an always() step after the cancel: a new pod, the workspace as the host has it
    Result after = run(request("cat kept.txt"));
    assertThat(after.lines()).containsExactly("kept");
    assertThat(runner.livePods()).as("a name of its own: the cancelled pod may still be terminating under its name")
        .singleElement().isNotEqualTo(pod);
  }

  @Test
  void aDroppedConnection_isFollowedAgainFromWhereItBroke_withoutALineTwice() throws Exception {
    kubelet.dropNextExecAfter(1_000);
    Result r = run(request("i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); [ $((i % 500)) = 0 ] && sleep 0.2; done; echo done"));
    assertThat(r.exit()).isEqualTo(StepExit.SUCCESS);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3000; i++) expected.add("line-" + i);
    expected.add("done");
    assertThat(r.lines()).containsExactlyElementsOf(expected);
    assertThat(kubelet.execs).anySatisfy(e -> assertThat(e).contains("[ -f \"$P/s$S.log\" ] || { echo \"step $S left no log"));
  }

  @Test
  void aHostThatStartsAgain_deletesThePodsOfItsEarlierLife_andLeavesOtherHostsPodsAlone() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    runner.start(request("echo started; sleep 120"), line -> {
      if (line.equals("started")) started.countDown();
    });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    String earlier = runner.livePods().get(0);
    try (KubernetesRunner other = runner("host-b")) {
      assertThat(other.removedOrphans()).as("host-a's pod is not host-b's").isZero();
      // host-a dies (its runner is never closed) and starts again: same host id, a new life
      try (KubernetesRunner again = runner("host-a")) {
        assertThat(again.removedOrphans()).isEqualTo(1);
        assertThat(kubelet.pod("ci", earlier)).isEmpty();
      }
    }
  }

  @Test
  void anImageThatCannotBePulled_isARunnerErrorSayingSo() throws Exception {
    Result r = run(request("true", Optional.of(FakeKubelet.UNPULLABLE + ":1"), Optional.empty(), Optional.empty()));
    assertThat(r.exit().runnerError()).hasValueSatisfying(m -> assertThat(m).contains("image " + FakeKubelet.UNPULLABLE + ":1 cannot be pulled")
        .contains("ErrImagePull").contains("image pull secrets"));
    assertThat(kubelet.pods()).as("the pod that cannot run is deleted").isEmpty();
  }

  @Test
  void aPodNoNodeCanTake_isARunnerErrorSayingWhatToLower() throws Exception {
    Result r = run(request("true", Optional.of("busybox:1.36"), Optional.of(Resources.of("1", "128Gi")), Optional.empty()));
    assertThat(r.exit().runnerError()).hasValueSatisfying(m -> assertThat(m).contains("no node can take pod")
        .contains("Insufficient memory").contains("lower the stage's resources"));
  }

  @Test
  void aStepKilledForMemory_failsWithTheReasonAndTheLimit() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    RunningStep step = runner.start(request("echo started; sleep 120", Optional.of("busybox:1.36"), Optional.of(Resources.of("1", "256Mi")),
        Optional.empty()), line -> {
          if (line.equals("started")) started.countDown();
        });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    kubelet.oomKill("ci", runner.livePods().get(0));
    StepExit exit = step.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(exit.succeeded()).isFalse();
    assertThat(exit.reason()).hasValueSatisfying(m -> assertThat(m).contains("ran out of memory").contains("limit 268435456"));
  }

  @Test
  void aClusterThatCannotBeReached_isSaidWhenTheRunnerIsBuilt() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    var config = new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(2_000).withRequestTimeout(2_000).build();
    try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> KubernetesRunner.builder(KubernetesRunnerSettings.builder("ci").build())
          .client(client).hostId("host-x").build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot watch pods in namespace ci at http://127.0.0.1:" + port)
          .hasMessageContaining("KUBECONFIG");
    }
  }

  @Test
  void aStepWithoutAnImage_isRefusedUnlessTheRunnerHasADefault() {
    assertThat(runner.cannotRun(request("true", Optional.empty(), Optional.empty(), Optional.empty())))
        .hasValueSatisfying(m -> assertThat(m).contains("no image"));
    try (KubernetesRunner withDefault = KubernetesRunner.builder(KubernetesRunnerSettings.builder("ci").defaultImage("busybox:1.36").build())
        .client(kubelet.client()).hostId("host-c").build()) {
      assertThat(withDefault.cannotRun(request("true", Optional.empty(), Optional.empty(), Optional.empty()))).isEmpty();
    }
  }
}
