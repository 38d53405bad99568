package org.pipelinekit.core.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.Stage;

/** What a {@link JobInterceptor} knows about the job attempt it wraps; a {@link StepContext} adds the step. */
public interface JobContext {
  String executionId();

  String pipelineId();

  /** The job's stage, rendered for this attempt (inputs, env and keys with their {@code ${{ }}} resolved). */
  Stage stage();

  /** The matrix job: the stage id, or {@code stage[axis=value, ...]}. */
  String jobId();

  Map<String, String> matrix();

  /** 1 for the first attempt, 2 for the first retry, and so on. */
  int attempt();

  /**
   * The job's workspace: a directory of its own for this attempt (isolated, the default), or the execution's one
   * directory (a pipeline with {@code workspace: shared}).
   */
  Path workspace();

  /**
   * The stages whose files this job starts with: its stage's {@code dependencies}, else every stage it needs,
   * directly or through others. Artifact stores restore these stages' artifacts, and no others.
   */
  default java.util.List<String> inputStages() {
    return stage().needs();
  }

  /** The branch the execution runs for, empty when none was given. */
  Optional<String> branch();

  /**
   * The environment a command step of this stage gets (pipeline, environment and stage variables,
   * rendered, with the {@code CI} and {@code PIPELINE_*} variables), for actions that start
   * processes or containers themselves.
   */
  default Map<String, String> env() {
    return Map.of();
  }

  /** Records a use of the stage's cache as a {@code CacheUsed} event (see there for {@code action}). */
  default void cacheUsed(String action, String key, Optional<String> matchedKey, long bytes, Duration took) {}

  /** Records a stored artifact as an {@code ArtifactStored} event. */
  default void artifactStored(String name, String artifactId, long size, String digest, String url) {}

  /** Writes a line to the stage's log (masked like step output). */
  void log(String line);

  /** Sets a job output, as a {@code name=value} line in {@code $PIPELINE_OUTPUT} would. */
  void output(String name, String value);

  /** Outputs the steps of this attempt set so far. */
  Map<String, String> outputs();

  /** Where blocking work goes (clones, archives, HTTP calls), off the engine's threads. */
  Executor blockingExecutor();

  /** The inputs of the stage, rendered. */
  default Map<String, Object> inputs() {
    return stage().inputs();
  }

  /** The resources the job runs with: the stage's own, else the pipeline's default (what its steps' requests carry). */
  default Optional<Resources> resources() {
    return stage().resources();
  }
}
