package org.pipelinekit.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.pipelinekit.core.simulate.SimulatedStep;
import org.pipelinekit.core.simulate.StepScript;

/**
 * What the steps a stub matches do instead of running: by default they succeed at once without output. Each method
 * adds to the stub and returns it, so a stub reads as a sentence:
 * {@code tester.stage("test").prints("Tests run: 42").writesOutput("coverage", "87").takes(Duration.ofMinutes(12))}.
 */
public final class StepStub {
  private final String description;
  private final Predicate<SimulatedStep.Request> matches;
  private OptionalInt attempt = OptionalInt.empty();
  private final Map<String, String> env = new LinkedHashMap<>();
  private int exitCode;
  private final List<String> lines = new ArrayList<>();
  private final Map<String, String> outputs = new LinkedHashMap<>();
  private Duration takes = Duration.ZERO;
  private final Map<String, String> files = new LinkedHashMap<>();

  StepStub(String description, Predicate<SimulatedStep.Request> matches) {
    this.description = description;
    this.matches = matches;
  }

  /** Only the given attempt (1 is the first; a retry's are 2, 3, …); other attempts go to an earlier stub. */
  public StepStub onAttempt(int attempt) {
    if (attempt < 1) throw new IllegalArgumentException("attempts count from 1, got " + attempt);
    this.attempt = OptionalInt.of(attempt);
    return this;
  }

  /**
   * Only steps whose environment has this variable with this value — a matrix job of an imported file (GitLab's
   * {@code parallel: matrix}, GitHub's {@code matrix}) is told its values this way; other steps go to an earlier stub.
   */
  public StepStub withEnv(String name, String value) {
    env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Ends with this exit code (0, the default, succeeds). */
  public StepStub exits(int exitCode) {
    this.exitCode = exitCode;
    return this;
  }

  /** Succeeds (the default; reads well after {@code onAttempt}). */
  public StepStub succeeds() {
    return exits(0);
  }

  /** Fails with exit code 1. */
  public StepStub fails() {
    return exits(1);
  }

  /** Prints these lines to the step's log. */
  public StepStub prints(String... lines) {
    this.lines.addAll(List.of(lines));
    return this;
  }

  /** Writes {@code name=value} to {@code $PIPELINE_OUTPUT}: the stage's output {@code name}. */
  public StepStub writesOutput(String name, String value) {
    outputs.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Takes this long in virtual time (nothing waits in real time). */
  public StepStub takes(Duration duration) {
    if (duration.isNegative()) throw new IllegalArgumentException("a step cannot take negative time: " + duration);
    this.takes = duration;
    return this;
  }

  /** Writes a file (relative to the step's working directory) with this content, for artifacts and later stages. */
  public StepStub writesFile(String path, String content) {
    files.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(content, "content"));
    return this;
  }

  boolean matches(SimulatedStep.Request step) {
    return (attempt.isEmpty() || attempt.getAsInt() == step.attempt())
        && env.entrySet().stream().allMatch(e -> e.getValue().equals(step.env().get(e.getKey()))) && matches.test(step);
  }

  StepScript.Answer answer() {
    return new StepScript.Answer(exitCode, lines, outputs, takes, files);
  }

  @Override
  public String toString() {
    return description + (env.isEmpty() ? "" : " with " + env) + (attempt.isPresent() ? " on attempt " + attempt.getAsInt() : "");
  }
}
