package org.pipelinekit.core.spi;

/**
 * Runs steps somewhere: local processes ({@code LocalProcessRunner}, the default), containers
 * ({@code DockerRunner} in pipeline-docker), later Kubernetes pods. Found through
 * {@link java.util.ServiceLoader} or registered on the executor's builder; every implementation's
 * tests extend {@code RunnerCompatibilityKit}.
 */
public interface Runner extends AutoCloseable {

  /** Unique id such as {@code local} or {@code docker}. */
  String id();

  /**
   * Why this runner cannot run the request (for example a local runner asked for an image it
   * cannot provide), or empty when it can.
   */
  default java.util.Optional<String> cannotRun(StepRequest request) {
    return java.util.Optional.empty();
  }

  /**
   * Starts the step and returns at once. Output lines go to {@code output} as they come; a step
   * that cannot start is reported through {@link RunningStep#exit()} as a runner error, not thrown.
   * The runner gives the step a file named by {@code $PIPELINE_OUTPUT} and returns the
   * {@code name=value} lines written to it in {@link StepExit#outputs()} (see
   * {@code org.pipelinekit.core.runner.StepOutputs}).
   */
  RunningStep start(StepRequest request, StepOutput output);

  /**
   * The runner labels this runner answers to: a step whose stage has {@code runsOn} labels goes to the first
   * runner that has one of them, before runners without labels are asked. Empty (the default): any step.
   */
  default java.util.Set<String> labels() {
    return java.util.Set.of();
  }

  /**
   * The engine is done with a job attempt: its last step has ended (or it was stopped), and no step of it starts
   * again. {@code labels} are the attempt's step labels (execution, stage, job, attempt). A runner that keeps
   * something per job (a pod) lets it go; others ignore it. Called on every runner, off the engine's thread.
   */
  default void jobEnded(java.util.Map<String, String> labels) {}

  @Override
  default void close() {}
}
