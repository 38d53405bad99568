package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One command of a stage, run in the job's workspace by the runner's shell. A step writes
 * {@code name=value} lines to the file named by {@code $PIPELINE_OUTPUT} to set stage outputs.
 * {@code when} decides whether it runs, against the job so far: {@code success()} (the default: no
 * earlier step failed), {@code failure()}, {@code always()} (also after a cancel or timeout, within the
 * executor's grace), {@code cancelled()}, or any condition. With {@code continueOnError} a failing step
 * is logged and the job goes on as if it had succeeded (GitLab's {@code after_script}).
 */
public record Step(
    Optional<String> name,
    String run,
    Map<String, String> env,
    Optional<String> workingDirectory,
    Optional<Duration> timeout,
    Optional<String> when,
    boolean continueOnError) {

  public Step(Optional<String> name, String run, Map<String, String> env, Optional<String> workingDirectory, Optional<Duration> timeout) {
    this(name, run, env, workingDirectory, timeout, Optional.empty(), false);
  }

  public Step {
    Checks.optionalText(when, "step when");
    Checks.optionalText(name, "step name");
    Checks.notBlank(run, "step run");
    env = Checks.orderedMap(env, "step env");
    Checks.optionalText(workingDirectory, "step workingDirectory");
    Checks.optional(timeout, "step timeout").ifPresent(t -> Durations.requirePositive(t, "step timeout"));
  }

  public static Step of(String run) {
    return new Step(Optional.empty(), run, Map.of(), Optional.empty(), Optional.empty());
  }

  public static Step of(String name, String run) {
    return new Step(Optional.of(name), run, Map.of(), Optional.empty(), Optional.empty());
  }

  /** A readable label: the name, else the first line of the command. */
  public String label() {
    if (name.isPresent()) return name.get();
    int nl = run.indexOf('\n');
    return (nl < 0 ? run : run.substring(0, nl)).strip();
  }

  /** Configures a step: {@code step(st -> st.name("deploy").run("./deploy.sh").env("REGION", "eu"))}. */
  public static final class Builder {
    private Optional<String> name = Optional.empty();
    private String run;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Optional<String> workingDirectory = Optional.empty();
    private Optional<Duration> timeout = Optional.empty();
    private Optional<String> when = Optional.empty();
    private boolean continueOnError;

    public Builder() {}

    /** Runs the step when this holds for the job so far: {@code failure()}, {@code always()}, {@code cancelled()}, any condition. */
    public Builder when(String condition) {
      this.when = Optional.of(Checks.notBlank(condition, "step when"));
      return this;
    }

    /** A failure of this step is logged and the job goes on as if it had succeeded. */
    public Builder continueOnError(boolean continueOnError) {
      this.continueOnError = continueOnError;
      return this;
    }

    public Builder name(String name) {
      this.name = Optional.of(Checks.notBlank(name, "step name"));
      return this;
    }

    public Builder run(String command) {
      this.run = Checks.notBlank(command, "step run");
      return this;
    }

    public Builder env(String name, String value) {
      env.put(Checks.notBlank(name, "step env name"), Checks.notNull(value, "step env " + name));
      return this;
    }

    public Builder workingDirectory(String dir) {
      this.workingDirectory = Optional.of(Checks.notBlank(dir, "step workingDirectory"));
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Optional.of(Durations.requirePositive(timeout, "step timeout"));
      return this;
    }

    public Step build() {
      if (run == null) {
        throw new IllegalArgumentException("a step needs a command: run(\"...\")");
      }
      return new Step(name, run, env, workingDirectory, timeout, when, continueOnError);
    }
  }
}
