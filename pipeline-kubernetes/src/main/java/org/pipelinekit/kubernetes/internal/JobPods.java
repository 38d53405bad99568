package org.pipelinekit.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.kubernetes.KubernetesRunnerSettings;

/**
 * The pod of one job attempt: the job's image, a long-running container the steps are executed in one after another (as
 * Jenkins' kubernetes plugin does: each step's exit code, outputs and log lines come back through the Runner SPI without
 * changing the image), an {@code emptyDir} workspace at {@link #WORKSPACE}, {@code restartPolicy: Never}, the job's
 * resources as requests and limits, labels naming the execution, stage, job, attempt and owning host, and
 * {@code activeDeadlineSeconds} from the job's timeout.
 */
public final class JobPods {
  public static final String WORKSPACE = "/workspace";
  /** The runner's own directory in the pod (step scripts, logs, exit codes, outputs): never part of the workspace. */
  public static final String RUNNER_DIR = "/pipelinekit";
  /** Which life of the owning host made the pod: a restarted host deletes the pods of its earlier lives. */
  public static final String INCARNATION = "pipelinekit.io/incarnation";
  /** How long a pod waits without a step running and without hearing from its host before it ends by itself. */
  public static final int IDLE_MINUTES = 10;
  public static final String CONTAINER = "job";
  public static final String PREFIX = "pipelinekit.io/";
  /** The label every pod of a host carries: one label-filtered informer watches them all. */
  public static final String OWNER = PREFIX + "owner";

  private JobPods() {}

  /** The job a step belongs to, from the engine's step labels (execution, stage, job, attempt). */
  public record Job(String execution, String stage, String job, String attempt) {
    public static Job of(Map<String, String> stepLabels) {
      return new Job(stepLabels.getOrDefault("pipelinekit.execution", ""), stepLabels.getOrDefault("pipelinekit.stage", ""),
          stepLabels.getOrDefault("pipelinekit.job", ""), stepLabels.getOrDefault("pipelinekit.attempt", "1"));
    }

    /** A pod name: DNS-1123, at most 63 characters, readable, unique per job attempt (a hash keeps long ids apart). */
    public String podName() {
      return podName(1);
    }

    /**
     * The name of the attempt's {@code generation}-th pod: a step after a cancel gets a new pod while the old one may still
     * be terminating under its name.
     */
    public String podName(int generation) {
      String readable = dns(execution + "-" + job + "-" + attempt);
      String key = execution + "\0" + stage + "\0" + job + "\0" + attempt + (generation > 1 ? "\0" + generation : "");
      String hash = Integer.toHexString(key.hashCode() & 0x7fffffff);
      String base = readable.length() > 50 ? readable.substring(0, 50).replaceAll("-+$", "") : readable;
      return "pk-" + base + "-" + hash;
    }
  }

  /** The pod for {@code job}, running {@code image}, owned by {@code owner} (this host). */
  public static Pod pod(Job job, String image, Optional<Resources> resources, Optional<Duration> timeout, String owner,
      KubernetesRunnerSettings settings) {
    return pod(job, image, resources, timeout, owner, "", settings);
  }

  /** The pod, annotated with the owning host's {@code incarnation}. */
  public static Pod pod(Job job, String image, Optional<Resources> resources, Optional<Duration> timeout, String owner, String incarnation,
      KubernetesRunnerSettings settings) {
    return pod(job, 1, image, resources, timeout, owner, incarnation, settings);
  }

  /** The attempt's {@code generation}-th pod (see {@link Job#podName(int)}). */
  public static Pod pod(Job job, int generation, String image, Optional<Resources> resources, Optional<Duration> timeout, String owner,
      String incarnation, KubernetesRunnerSettings settings) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/managed-by", "pipelinekit");
    labels.put(OWNER, label(owner));
    labels.put(PREFIX + "execution", label(job.execution()));
    labels.put(PREFIX + "stage", label(job.stage()));
    labels.put(PREFIX + "job", label(job.job()));
    labels.put(PREFIX + "attempt", label(job.attempt()));
    Map<String, String> annotations = new LinkedHashMap<>(); // (labels are cut to 63 characters; the whole ids are here)
    annotations.put(PREFIX + "execution", job.execution());
    annotations.put(PREFIX + "job", job.job());
    annotations.put(INCARNATION, incarnation);
    ResourceRequirementsBuilder res = new ResourceRequirementsBuilder();
    resources.ifPresent(r -> {
      r.cpuMillicores().ifPresent(m -> res.addToRequests("cpu", new Quantity(m + "m")).addToLimits("cpu", new Quantity(m + "m")));
      r.memoryBytes().ifPresent(b -> res.addToRequests("memory", new Quantity(Long.toString(b))).addToLimits("memory",
          new Quantity(Long.toString(b))));
    });
    PodBuilder b = new PodBuilder()
        .withNewMetadata().withName(job.podName(generation)).withNamespace(settings.namespace()).withLabels(labels).withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(settings.serviceAccount().orElse(null))
        .withNodeSelector(settings.nodeSelector().isEmpty() ? null : settings.nodeSelector())
        .withActiveDeadlineSeconds(timeout.map(t -> Math.max(1, (t.toMillis() + 999) / 1000)).orElse(null))
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image)
        // waits for the steps, which are executed in it; ends by itself when no step runs and its host has been silent for
        // IDLE_MINUTES (a host that died and did not come back), and at once on SIGTERM (a deleted pod)
        .withCommand("/bin/sh", "-c", "trap 'exit 0' TERM; P=" + RUNNER_DIR + "; touch $P/alive; while :; do sleep 30 & wait $!;"
            + " if ! ls $P/*.running >/dev/null 2>&1 && [ -n \"$(find $P/alive -mmin +" + IDLE_MINUTES + " 2>/dev/null)\" ]; then exit 0; fi;"
            + " done")
        .withWorkingDir(WORKSPACE)
        .withResources(res.build())
        .addNewVolumeMount().withName("workspace").withMountPath(WORKSPACE).endVolumeMount()
        .addNewVolumeMount().withName("pipelinekit").withMountPath(RUNNER_DIR).endVolumeMount()
        .endContainer()
        .addNewVolume().withName("workspace").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("pipelinekit").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec();
    for (KubernetesRunnerSettings.Toleration t : settings.tolerations()) {
      b.editSpec().addToTolerations(new TolerationBuilder().withKey(t.key()).withOperator(t.operator()).withValue(t.value().orElse(null))
          .withEffect(t.effect().orElse(null)).build()).endSpec();
    }
    for (String secret : settings.imagePullSecrets()) {
      b.editSpec().addNewImagePullSecret(secret).endSpec();
    }
    return b.build();
  }

  /** A label value: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with one of the first two. */
  static String label(String value) {
    String v = value.replaceAll("[^A-Za-z0-9_.-]", "-");
    if (v.length() > 63) v = v.substring(0, 63);
    return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
  }

  private static String dns(String value) {
    return value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-").replaceAll("^-+|-+$", "");
  }

  /** The labels selecting every pod of {@code owner}. */
  public static Map<String, String> ownedBy(String owner) {
    return Map.of(OWNER, label(owner));
  }
}
