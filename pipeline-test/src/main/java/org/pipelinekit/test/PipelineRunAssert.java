package org.pipelinekit.test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.StageStatus;

/** Assertions on a whole run; each failure message ends with the run's timeline. */
public final class PipelineRunAssert extends AbstractAssert<PipelineRunAssert, PipelineRun> {

  PipelineRunAssert(PipelineRun run) {
    super(run, PipelineRunAssert.class);
  }

  void fail(String message, Object... args) {
    failWithMessage(message + "%n%n%s", append(args, actual.timeline()));
  }

  private static Object[] append(Object[] args, Object last) {
    Object[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = last;
    return all;
  }

  public PipelineRunAssert succeeded() {
    return hasStatus(ExecutionStatus.SUCCEEDED);
  }

  public PipelineRunAssert failed() {
    return hasStatus(ExecutionStatus.FAILED);
  }

  public PipelineRunAssert hasStatus(ExecutionStatus status) {
    isNotNull();
    if (actual.snapshot().status() != status) fail("expected the run to end %s but it is %s", status, actual.snapshot().status());
    return this;
  }

  /** The run stopped waiting for the stage's approval, which the test did not decide. */
  public PipelineRunAssert isWaitingForApproval(String stageId) {
    isNotNull();
    if (!actual.waitingForApproval().contains(stageId)) {
      fail("expected the run to wait for the approval of '%s' but it waits for %s", stageId, actual.waitingForApproval());
    }
    return this;
  }

  /** A stage ran when it started: one skipped, rejected, cancelled before it started or never reached did not. */
  private static boolean ran(StageRun s) {
    return s.startedAt().isPresent() && s.status() != StageStatus.SKIPPED;
  }

  /** Each of these stages ran (whatever its end), none skipped, rejected or left out. */
  public PipelineRunAssert ran(String... stageIds) {
    for (String id : stageIds) {
      StageRun s = stageRun(id);
      if (!ran(s)) fail("expected stage '%s' to run but it is %s%s", id, s.status(), s.reason().map(r -> " (" + r + ")").orElse(""));
    }
    return this;
  }

  /** None of these stages ran. */
  public PipelineRunAssert didNotRun(String... stageIds) {
    for (String id : stageIds) {
      StageRun s = stageRun(id);
      if (ran(s)) fail("expected stage '%s' not to run but it %s", id, s.status());
    }
    return this;
  }

  /** These stages ran one after another: each ended before (or when) the next started. */
  public PipelineRunAssert ranInOrder(String... stageIds) {
    ran(stageIds);
    for (int i = 1; i < stageIds.length; i++) {
      Instant end = stageRun(stageIds[i - 1]).finishedAt().orElseThrow();
      Instant start = stageRun(stageIds[i]).startedAt().orElseThrow();
      if (start.isBefore(end)) fail("expected '%s' to start after '%s' ended, but it started %s before", stageIds[i], stageIds[i - 1],
          Duration.between(start, end));
    }
    return this;
  }

  /** These stages ran at the same time for a while. */
  public PipelineRunAssert ranInParallel(String... stageIds) {
    ran(stageIds);
    Instant latestStart = Instant.MIN;
    Instant earliestEnd = Instant.MAX;
    for (String id : stageIds) {
      StageRun s = stageRun(id);
      if (s.startedAt().orElseThrow().isAfter(latestStart)) latestStart = s.startedAt().orElseThrow();
      if (s.finishedAt().orElseThrow().isBefore(earliestEnd)) earliestEnd = s.finishedAt().orElseThrow();
    }
    if (!latestStart.isBefore(earliestEnd)) fail("expected %s to run at the same time, but they never all ran at once", List.of(stageIds));
    return this;
  }

  /** The run took exactly this long in virtual time. */
  public PipelineRunAssert took(Duration expected) {
    isNotNull();
    if (!actual.took().equals(expected)) fail("expected the run to take %s of virtual time but it took %s", expected, actual.took());
    return this;
  }

  /** Assertions on one stage. */
  public StageRunAssert stage(String stageId) {
    return new StageRunAssert(this, actual, stageRun(stageId));
  }

  private StageRun stageRun(String id) {
    isNotNull();
    StageRun s = actual.snapshot().stages().get(id);
    if (s == null) fail("the run has no stage '%s'; its stages are %s", id, actual.snapshot().stages().keySet());
    return s;
  }
}
