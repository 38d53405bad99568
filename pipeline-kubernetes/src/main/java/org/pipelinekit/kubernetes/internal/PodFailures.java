package org.pipelinekit.kubernetes.internal;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;

/**
 * Why a job's pod cannot run its steps, in words for the step's reason: an image that cannot be pulled, a pod no node can
 * take, a container killed for memory, a deadline passed, an eviction. Empty while the pod is on its way or running.
 */
public final class PodFailures {
  private PodFailures() {}

  public static Optional<String> reason(Pod pod) {
    if (pod.getStatus() == null) return Optional.empty();
    var status = pod.getStatus();
    String name = pod.getMetadata().getName();
    if ("DeadlineExceeded".equals(status.getReason())) {
      return Optional.of("the job ran past its timeout (the pod's activeDeadlineSeconds " + pod.getSpec().getActiveDeadlineSeconds()
          + "): Kubernetes stopped pod " + name);
    }
    if ("Evicted".equals(status.getReason())) {
      return Optional.of("pod " + name + " was evicted from its node: " + nonBlank(status.getMessage()).orElse("the node ran short"));
    }
    for (ContainerStatus c : list(status.getContainerStatuses())) {
      var waiting = c.getState() == null ? null : c.getState().getWaiting();
      if (waiting != null && waiting.getReason() != null) {
        switch (waiting.getReason()) {
          case "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull" -> {
            return Optional.of("image " + c.getImage() + " cannot be pulled (" + waiting.getReason() + ")"
                + nonBlank(waiting.getMessage()).map(m -> ": " + m).orElse("")
                + "; check the image name and tag, and the runner's image pull secrets");
          }
          case "CreateContainerConfigError", "CreateContainerError" -> {
            return Optional.of("the job's container cannot be created (" + waiting.getReason() + ")"
                + nonBlank(waiting.getMessage()).map(m -> ": " + m).orElse(""));
          }
          default -> {
            // ContainerCreating, PodInitializing: on its way
          }
        }
      }
      var terminated = c.getState() == null ? null : c.getState().getTerminated();
      if (terminated != null && "OOMKilled".equals(terminated.getReason())) {
        String limit = pod.getSpec().getContainers().stream().filter(k -> k.getName().equals(c.getName())).findFirst()
            .map(k -> k.getResources() == null || k.getResources().getLimits() == null ? null : k.getResources().getLimits().get("memory"))
            .map(q -> " (limit " + q + ")").orElse("");
        return Optional.of("the job's container ran out of memory" + limit + " and was killed; give the stage more with resources");
      }
      if (terminated != null && "Failed".equals(status.getPhase())) {
        return Optional.of("the job's container ended" + (terminated.getReason() == null ? "" : " (" + terminated.getReason() + ")")
            + " with exit code " + terminated.getExitCode() + nonBlank(terminated.getMessage()).map(m -> ": " + m).orElse(""));
      }
    }
    for (PodCondition condition : list(status.getConditions())) {
      if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus()) && "Unschedulable".equals(condition.getReason())) {
        return Optional.of("no node can take pod " + name + nonBlank(condition.getMessage()).map(m -> ": " + m).orElse("")
            + "; lower the stage's resources, or check the runner's node selector and tolerations");
      }
    }
    return Optional.empty();
  }

  private static <T> List<T> list(List<T> items) {
    return items == null ? List.of() : items;
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }
}
