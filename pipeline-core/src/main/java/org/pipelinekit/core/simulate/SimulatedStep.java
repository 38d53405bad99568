package org.pipelinekit.core.simulate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A step as a simulation saw it: which job and attempt asked for it, the command and environment the
 * engine rendered for it (an in-process action has no command), when it started and ended in virtual
 * time, its exit code, how it was answered, and the files its directory held when it started (what earlier steps and
 * the stages it needs handed it; paths relative to the directory, with {@code /}, at most 2,000).
 */
public record SimulatedStep(
    Request request,
    Instant started,
    Instant ended,
    int exitCode,
    How how,
    List<String> filesAtStart) {

  public SimulatedStep {
    filesAtStart = List.copyOf(filesAtStart);
  }

  /** At most this many files are listed from a step's directory when it starts. */
  static final int LISTED_FILES = 2000;

  /** How a step was answered. */
  public enum How {
    /** By the script: nothing ran. */
    SCRIPTED,
    /** Run for real (the script had no answer and the simulation runs unscripted steps). */
    REAL,
    /** Failed because the script had no answer for it. */
    UNSCRIPTED,
    /** Stopped before its scripted end (a timeout, a cancel). */
    CANCELLED
  }

  /**
   * What the engine asked for: the step's place in the run and what it would run — a command, or for an in-process
   * action the stage's inputs as rendered for it.
   */
  public record Request(
      String stageId,
      String jobId,
      int attempt,
      int stepIndex,
      String stepName,
      Optional<String> command,
      Map<String, String> env,
      Optional<String> image,
      Path workingDirectory,
      Map<String, Object> inputs) {

    public Request {
      Objects.requireNonNull(stageId, "stageId");
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(stepName, "stepName");
      Objects.requireNonNull(command, "command");
      env = Map.copyOf(env);
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(workingDirectory, "workingDirectory");
      inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
    }

    /** An in-process action rather than a command. */
    public boolean isAction() {
      return command.isEmpty();
    }

    /** What it runs, in a line: its command's first line ({@code …} when there are more), else that it is an in-process action. */
    public String shown() {
      return command.map(c -> c.lines().findFirst().orElse("") + (c.strip().contains("\n") ? " …" : "")).orElse("an in-process action");
    }

    /** {@code stage}, {@code stage/job} for a matrix job, then {@code #step} (1-based) and its name. */
    public String describe() {
      return (jobId.equals(stageId) ? stageId : jobId) + " step " + (stepIndex + 1) + " '" + stepName + "'"
          + (attempt > 1 ? " (attempt " + attempt + ")" : "");
    }
  }

  public String stageId() {
    return request.stageId();
  }

  /** How long it took in virtual time. */
  public Duration took() {
    return Duration.between(started, ended);
  }
}
