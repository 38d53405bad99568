package org.pipelinekit.core.spi;

import java.nio.file.Path;
import java.util.Map;
import org.pipelinekit.core.model.Stage;

/** What an interceptor or an in-process step action knows about the step it wraps. */
public interface StepContext {
  String executionId();

  String pipelineId();

  Stage stage();

  /** The matrix job: the stage id, or {@code stage[axis=value, ...]}. */
  String jobId();

  Map<String, String> matrix();

  int attempt();

  /** 0-based index of the step in the stage, and how many steps the stage has. */
  int stepIndex();

  int stepCount();

  default boolean isFirstStep() {
    return stepIndex() == 0;
  }

  default boolean isLastStep() {
    return stepIndex() == stepCount() - 1;
  }

  /** The execution's workspace, shared by its stages. */
  Path workspace();

  /** The branch the execution runs for, empty when none was given. */
  java.util.Optional<String> branch();

  /**
   * The environment a command step of this stage gets (pipeline, environment and stage variables,
   * rendered, with the {@code CI} and {@code PIPELINE_*} variables), for actions that start
   * processes or containers themselves.
   */
  default Map<String, String> env() {
    return Map.of();
  }

  /**
   * Records a use of the stage's cache as a {@code CacheUsed} event (see there for {@code action}).
   */
  default void cacheUsed(String action, String key, java.util.Optional<String> matchedKey, long bytes, java.time.Duration took) {}

  /** Records a stored artifact as an {@code ArtifactStored} event. */
  default void artifactStored(String name, String artifactId, long size, String digest, String url) {}

  /** Writes a line to the stage's log (masked like step output). */
  void log(String line);

  /** Sets a stage output, as a {@code name=value} line in {@code $PIPELINE_OUTPUT} would. */
  void output(String name, String value);

  /** Outputs earlier steps of this attempt set. */
  Map<String, String> outputs();

  /** Where blocking work of an in-process action goes (clones, HTTP calls), off the engine's threads. */
  java.util.concurrent.Executor blockingExecutor();

  /** The inputs of the stage, rendered. */
  default Map<String, Object> inputs() {
    return stage().inputs();
  }

  /** The resources the job runs with: the stage's own, else the pipeline's default (what its steps' requests carry). */
  default java.util.Optional<org.pipelinekit.core.model.Resources> resources() {
    return stage().resources();
  }
}
