package org.pipelinekit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.kubernetes.internal.JobPods;
import org.pipelinekit.kubernetes.internal.PodFailures;

/** The pod of a job attempt, and the reasons a pod gives for not running, in the words a step's failure shows. */
class JobPodsTest {
  private static final JobPods.Job JOB = JobPods.Job.of(Map.of("pipelinekit.execution", "java-ci-42", "pipelinekit.stage", "test",
      "pipelinekit.job", "test[jdk=21]", "pipelinekit.attempt", "2"));
  private static final KubernetesRunnerSettings SETTINGS = KubernetesRunnerSettings.builder("ci")
      .serviceAccount("pipelinekit-jobs").nodeSelector("pool", "builds").imagePullSecret("registry-login")
      .toleration(new KubernetesRunnerSettings.Toleration("dedicated", "Equal", Optional.of("ci"), Optional.of("NoSchedule")))
      .build();

  @Test
  void aJobsPod_hasItsImageWorkspaceResourcesLabelsDeadlineAndTheRunnersPlacement() {
    Pod pod = JobPods.pod(JOB, "maven:3-eclipse-temurin-21", Optional.of(Resources.of("1500m", "2Gi")), Optional.of(Duration.ofMinutes(20)),
        "host-a/4242", SETTINGS);
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("ci");
    assertThat(pod.getMetadata().getName()).matches("pk-java-ci-42-test-jdk-21-2-[0-9a-f]+").hasSizeLessThanOrEqualTo(63);
    assertThat(pod.getMetadata().getLabels()).containsEntry("pipelinekit.io/execution", "java-ci-42")
        .containsEntry("pipelinekit.io/stage", "test").containsEntry("pipelinekit.io/job", "test-jdk-21")
        .containsEntry("pipelinekit.io/attempt", "2").containsEntry("pipelinekit.io/owner", "host-a-4242")
        .containsEntry("app.kubernetes.io/managed-by", "pipelinekit");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("pipelinekit.io/job", "test[jdk=21]");
    var spec = pod.getSpec();
    assertThat(spec.getRestartPolicy()).isEqualTo("Never");
    assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(1200L);
    assertThat(spec.getServiceAccountName()).isEqualTo("pipelinekit-jobs");
    assertThat(spec.getNodeSelector()).containsExactly(Map.entry("pool", "builds"));
    assertThat(spec.getTolerations()).singleElement().satisfies(t -> {
      assertThat(t.getKey()).isEqualTo("dedicated");
      assertThat(t.getValue()).isEqualTo("ci");
      assertThat(t.getEffect()).isEqualTo("NoSchedule");
    });
    assertThat(spec.getImagePullSecrets()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("registry-login"));
    assertThat(spec.getVolumes()).hasSize(2).allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
    Container c = spec.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("maven:3-eclipse-temurin-21");
    assertThat(c.getWorkingDir()).isEqualTo(JobPods.WORKSPACE);
    assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly(JobPods.WORKSPACE, JobPods.RUNNER_DIR);
    assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("1500m"))
        .containsEntry("memory", new Quantity(Long.toString(2L << 30)));
    assertThat(c.getResources().getLimits()).isEqualTo(c.getResources().getRequests());
  }

  @Test
  void withoutResourcesOrTimeout_thePodAsksForNothingAndHasNoDeadline_andLongIdsStayValidNames() {
    JobPods.Job longJob = JobPods.Job.of(Map.of("pipelinekit.execution", "a-very-long-pipeline-name-that-goes-on-and-on-1234",
        "pipelinekit.stage", "integration", "pipelinekit.job", "integration[os=ubuntu-latest, node=22, db=postgres]"));
    Pod pod = JobPods.pod(longJob, "node:22", Optional.empty(), Optional.empty(), "h/1", KubernetesRunnerSettings.builder("ci").build());
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isNull();
    assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests()).isNullOrEmpty();
    assertThat(pod.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(pod.getMetadata().getLabels().values()).allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63)
        .matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]?"));
    assertThat(pod.getMetadata().getName()).isNotEqualTo(JobPods.pod(JobPods.Job.of(Map.of("pipelinekit.execution",
        "a-very-long-pipeline-name-that-goes-on-and-on-1234", "pipelinekit.stage", "integration", "pipelinekit.job",
        "integration[os=ubuntu-latest, node=22, db=mysql]")), "node:22", Optional.empty(), Optional.empty(), "h/1",
        KubernetesRunnerSettings.builder("ci").build()).getMetadata().getName());
    assertThatThrownBy(() -> KubernetesRunnerSettings.builder("CI_Jobs").build()).hasMessageContaining("is not a namespace name");
  }

  @Test
  void eachWayAPodCannotRun_isAReasonThatSaysWhatToChange() {
    Pod base = JobPods.pod(JOB, "maven:9-nope", Optional.of(Resources.NONE.withMemory("512Mi")), Optional.of(Duration.ofMinutes(5)), "h/1",
        SETTINGS);
    assertThat(PodFailures.reason(base)).as("no status yet").isEmpty();
    assertThat(PodFailures.reason(withStatus(base, "Pending", null, s -> s.addNewContainerStatus().withName("job").withImage("maven:9-nope")
        .withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState().endContainerStatus())))
        .as("on its way").isEmpty();
    assertThat(PodFailures.reason(withStatus(base, "Pending", null, s -> s.addNewContainerStatus().withName("job").withImage("maven:9-nope")
        .withNewState().withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image \"maven:9-nope\"")
        .endWaiting().endState().endContainerStatus())))
        .contains("image maven:9-nope cannot be pulled (ImagePullBackOff): Back-off pulling image \"maven:9-nope\"; check the image name"
            + " and tag, and the runner's image pull secrets");
    assertThat(PodFailures.reason(withStatus(base, "Pending", null, s -> s.addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition())))
        .contains("no node can take pod " + base.getMetadata().getName() + ": 0/3 nodes are available: 3 Insufficient memory.; lower the"
            + " stage's resources, or check the runner's node selector and tolerations");
    assertThat(PodFailures.reason(withStatus(base, "Running", null, s -> s.addNewContainerStatus().withName("job").withImage("maven:9-nope")
        .withNewState().withNewTerminated().withReason("OOMKilled").withExitCode(137).endTerminated().endState().endContainerStatus())))
        .contains("the job's container ran out of memory (limit " + (512L << 20) + ") and was killed; give the stage more with resources");
    assertThat(PodFailures.reason(withStatus(base, "Failed", "DeadlineExceeded", s -> s)))
        .contains("the job ran past its timeout (the pod's activeDeadlineSeconds 300): Kubernetes stopped pod " + base.getMetadata().getName());
    assertThat(PodFailures.reason(withStatus(base, "Failed", "Evicted", s -> s.withMessage("The node was low on resource: ephemeral-storage."))))
        .contains("pod " + base.getMetadata().getName() + " was evicted from its node: The node was low on resource: ephemeral-storage.");
  }

  private static Pod withStatus(Pod pod, String phase, String reason,
      java.util.function.UnaryOperator<io.fabric8.kubernetes.api.model.PodStatusFluent<?>> status) {
    PodBuilder b = new PodBuilder(pod);
    var s = b.withNewStatus().withPhase(phase).withReason(reason);
    status.apply(s);
    return s.endStatus().build();
  }
}
