package org.pipelinekit.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.assertj.core.api.AbstractAssert;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalDecided;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.simulate.SimulatedStep;

/** Assertions on one stage of a run; {@link #and()} goes back to the run. Each failure message ends with the run's timeline. */
public final class StageRunAssert extends AbstractAssert<StageRunAssert, StageRun> {
  private final PipelineRunAssert parent;
  private final PipelineRun run;

  StageRunAssert(PipelineRunAssert parent, PipelineRun run, StageRun stage) {
    super(stage, StageRunAssert.class);
    this.parent = parent;
    this.run = run;
  }

  /** Back to the whole run. */
  public PipelineRunAssert and() {
    return parent;
  }

  private String id() {
    return actual.stageId();
  }

  private void fail(String message, Object... args) {
    parent.fail("stage '" + id().replace("%", "%%") + "': " + message, args);
  }

  public StageRunAssert hasStatus(StageStatus status) {
    if (actual.status() != status) fail("expected %s but it is %s%s", status, actual.status(), actual.reason().map(r -> " (" + r + ")").orElse(""));
    return this;
  }

  public StageRunAssert succeeded() {
    return hasStatus(StageStatus.SUCCEEDED);
  }

  public StageRunAssert failed() {
    return hasStatus(StageStatus.FAILED);
  }

  public StageRunAssert timedOut() {
    return hasStatus(StageStatus.TIMED_OUT);
  }

  public StageRunAssert wasSkipped() {
    return hasStatus(StageStatus.SKIPPED);
  }

  /** Skipped, and the reason the engine gave contains {@code text} (the condition, say, or the stage it needed). */
  public StageRunAssert wasSkippedBecause(String text) {
    wasSkipped();
    return hasReasonContaining(text);
  }

  /** The engine's reason for the stage's end (a skip's condition, a failure, a timeout) contains {@code text}. */
  public StageRunAssert hasReasonContaining(String text) {
    String reason = actual.reason().orElse("");
    if (!reason.contains(text)) fail("expected its reason to contain \"%s\" but it is \"%s\"", text, reason);
    return this;
  }

  /** The most attempts any of its jobs took (1: no retry). */
  public StageRunAssert tookAttempts(int attempts) {
    if (actual.attempts() != attempts) fail("expected %d attempts but it took %d", attempts, actual.attempts());
    return this;
  }

  /** It lasted exactly this long in virtual time, from its start to its end (retries and their back-offs included). */
  public StageRunAssert took(Duration expected) {
    Optional<Duration> took = actual.duration();
    if (!took.equals(Optional.of(expected))) fail("expected it to take %s but it took %s", expected, took.map(Object::toString).orElse("no time (it did not run)"));
    return this;
  }

  /** It started this long after the run did, in virtual time. */
  public StageRunAssert startedAfter(Duration expected) {
    Optional<Duration> at = actual.startedAt().map(t -> Duration.between(run.simulated().started(), t));
    if (!at.equals(Optional.of(expected))) fail("expected it to start %s into the run but it started %s", expected,
        at.map(Object::toString).orElse("never"));
    return this;
  }

  public StageRunAssert hasOutput(String name, String value) {
    String got = actual.outputs().get(name);
    if (!Objects.equals(got, value)) fail("expected output %s=%s but its outputs are %s", name, value, actual.outputs());
    return this;
  }

  /** Its matrix jobs, as {@code axis=value} maps, in any order. */
  @SafeVarargs
  public final StageRunAssert hasMatrixJobs(Map<String, String>... cells) {
    List<Map<String, String>> got = actual.jobs().stream().map(JobRun::matrix).toList();
    if (got.size() != cells.length || !got.containsAll(List.of(cells))) fail("expected matrix jobs %s but it has %s", List.of(cells), got);
    return this;
  }

  /** One of its steps ran exactly this command (as rendered: expressions and matrix values filled in). */
  public StageRunAssert ranCommand(String command) {
    List<String> commands = commands();
    if (!commands.contains(command)) fail("expected it to run `%s` but its commands were %s", command, commands);
    return this;
  }

  /** One of its steps ran a command in which {@code regex} finds a match. */
  public StageRunAssert ranCommandMatching(String regex) {
    Pattern p = Pattern.compile(regex);
    List<String> commands = commands();
    if (commands.stream().noneMatch(c -> p.matcher(c).find())) fail("expected a command matching /%s/ but its commands were %s", regex, commands);
    return this;
  }

  private List<String> commands() {
    return run.steps(id()).stream().map(s -> s.request().command()).flatMap(Optional::stream).toList();
  }

  /** Every step it ran had this variable in its environment, with this value. */
  public StageRunAssert hadEnv(String name, String value) {
    List<SimulatedStep> steps = run.steps(id());
    if (steps.isEmpty()) fail("expected steps with %s=%s but it ran none", name, value);
    for (SimulatedStep s : steps) {
      String got = s.request().env().get(name);
      if (!value.equals(got)) fail("expected %s=%s in the environment of %s but it was %s", name, value, s.request().describe(),
          got == null ? "not set" : got);
    }
    return this;
  }

  /**
   * One of its steps started with this file in its directory (path relative to it, with {@code /}): what earlier steps
   * wrote, or what the stages it needs handed on (their {@code artifacts} paths).
   */
  public StageRunAssert startedWithFile(String path) {
    List<SimulatedStep> steps = run.steps(id());
    if (steps.stream().noneMatch(s -> s.filesAtStart().contains(path))) {
      fail("expected a step to start with %s in its directory, but it had %s", path,
          steps.isEmpty() ? "no step" : steps.get(steps.size() - 1).filesAtStart());
    }
    return this;
  }

  /** None of its steps started with this file in its directory. */
  public StageRunAssert startedWithoutFile(String path) {
    for (SimulatedStep s : run.steps(id())) {
      if (s.filesAtStart().contains(path)) fail("expected no step to start with %s, but %s did", path, s.request().describe());
    }
    return this;
  }

  /** Its log (any job, any attempt) has a line equal to {@code line}. */
  public StageRunAssert printed(String line) {
    List<String> lines = run.log(id()).stream().map(LogLine::text).toList();
    if (!lines.contains(line)) fail("expected its log to have the line \"%s\" but it has %s", line, lines);
    return this;
  }

  /** Someone approved it (by name: the test's own approver is {@code test}). */
  public StageRunAssert wasApprovedBy(String principal) {
    boolean approved = run.events().stream().anyMatch(e -> e instanceof ApprovalDecided d && d.stageId().equals(id()) && d.approved()
        && d.principal().equals(principal));
    if (!approved) fail("expected it to be approved by %s but it was not", principal);
    return this;
  }
}
