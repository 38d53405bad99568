package org.pipelinekit.core.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.model.Resources;

/**
 * One step for a {@link Runner} to start: a shell command, its environment (already rendered and
 * holding injected secrets), the directory to run in, and what the stage asked for (image,
 * resources: the stage's own, else the pipeline's default). {@code labels} identify the step for the
 * runner's bookkeeping (execution, stage, job, attempt), for example as container labels. Timeouts are
 * the engine's: it stops a step that runs too long with {@link RunningStep#cancel}, so runners need not
 * (and the request carries none).
 */
public record StepRequest(
    String command,
    Map<String, String> env,
    Path workingDirectory,
    Optional<String> image,
    Optional<Resources> resources,
    Map<String, String> labels) {

  public StepRequest {
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(resources, "resources");
    labels = Map.copyOf(labels);
  }
}
