package org.pipelinekit.core.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.model.Resources;

/**
 * One step for a {@link Runner} to start: a shell command, its environment (already rendered and
 * holding injected secrets), the directory to run in, and what the stage asked for (image,
 * resources: the stage's own, else the pipeline's default). {@code labels} identify the step for the
 * runner's bookkeeping (execution, stage, job, attempt), for example as container labels.
 *
 * <p>{@code workspace} is the job's whole workspace ({@code workingDirectory} is in it): a runner that
 * carries files elsewhere (a pod) carries this directory. {@code jobTimeout} is the stage's timeout, for a
 * runner's own backstop when its host is gone (a pod's deadline); stopping a step that runs too long is the
 * engine's, with {@link RunningStep#cancel}. {@code runsOn} are the stage's runner labels.
 */
public record StepRequest(
    String command,
    Map<String, String> env,
    Path workingDirectory,
    Optional<String> image,
    Optional<Resources> resources,
    Map<String, String> labels,
    Path workspace,
    Optional<Duration> jobTimeout,
    Set<String> runsOn) {

  public StepRequest {
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(resources, "resources");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(workspace, "workspace");
    if (!workingDirectory.normalize().startsWith(workspace.normalize())) {
      throw new IllegalArgumentException("the working directory " + workingDirectory + " is outside the workspace " + workspace);
    }
    Objects.requireNonNull(jobTimeout, "jobTimeout");
    runsOn = Set.copyOf(runsOn);
  }

  /** A step whose workspace is its working directory, without a job timeout or runner labels. */
  public StepRequest(String command, Map<String, String> env, Path workingDirectory, Optional<String> image, Optional<Resources> resources,
      Map<String, String> labels) {
    this(command, env, workingDirectory, image, resources, labels, workingDirectory, Optional.empty(), Set.of());
  }
}
