package org.pipelinekit.core.engine.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.expr.ExpressionException;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.StageMemo;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StepExit;

/**
 * One attempt of one job: its stage rendered, the attempt timeout armed, a memoized result looked up (and recorded
 * after success), then its steps one after another through {@link StepCall}, each ending in the next step, a retry
 * decision (the scheduler's {@code attemptFailed}, which releases the slot) or the job's end. Runs on the run's actor.
 */
final class JobAttempts {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobAttempts.class);
  private final ExecutionRun run;

  JobAttempts(ExecutionRun run) {
    this.run = run;
  }

  /** Starts the job's next attempt: renders its stage, arms the attempt timeout, looks up a memo, runs the first step. */
  void start(JobState j) {
    j.attempt++;
    j.status = StageStatus.RUNNING;
    j.attemptOutputs = new LinkedHashMap<>();
    j.timedOut = false;
    StageState s = j.stage;
    run.hub().publish((seq, t) -> new JobStarted(run.id(), seq, t, s.id(), j.jobId, j.cell.values(), j.attempt));
    Optional<StageType> type = run.services().registry().find(s.stage.type());
    if (type.isEmpty()) {
      run.attemptFailed(j, RetryOn.RUNNER_ERROR, -1, "unknown stage type '" + s.stage.type() + "'", false);
      return;
    }
    Stage rendered;
    try {
      rendered = s.templated ? StageRendering.render(s.stage, run.context(s, j.cell)) : s.stage;
      j.steps = type.get().plan(rendered);
    } catch (ExpressionException e) {
      run.log(j, "error: " + e.getMessage());
      run.attemptFailed(j, RetryOn.RUNNER_ERROR, -1, e.getMessage(), false);
      return;
    } catch (RuntimeException e) {
      run.log(j, "error: " + e.getMessage());
      run.attemptFailed(j, RetryOn.RUNNER_ERROR, -1, "cannot prepare the stage: " + e.getMessage(), false);
      return;
    }
    j.rendered = rendered;
    Optional<Duration> limit = s.planned.settings().timeout();
    int attempt = j.attempt;
    limit.ifPresent(d -> j.attemptTimer = run.services().timer().schedule(() -> run.actor().execute(() -> {
      if (j.attempt == attempt && j.status == StageStatus.RUNNING) {
        j.timedOut = true;
        run.log(j, "the stage timed out after " + Durations.format(d) + "; stopping it");
        j.stopCurrent(run.services().cancelGrace());
      }
    }), d.toMillis(), TimeUnit.MILLISECONDS));
    Optional<String> memoKey = rendered.memoize();
    if (memoKey.isPresent() && run.services().memo().isPresent()) {
      lookUpMemo(j, memoKey.get(), run.services().memo().get());
    } else {
      runStep(j, 0);
    }
  }

  // ---- memoized stages ----

  /** Looks the job's key up off the actor; replays a hit (CACHED), runs the job on a miss. */
  private void lookUpMemo(JobState j, String key, StageMemo memo) {
    int attempt = j.attempt;
    CompletableFuture.supplyAsync(() -> memo.find(run.header().pipelineId(), j.jobId, key), run.services().blocking())
        .whenComplete((found, error) -> run.actor().execute(() -> {
          if (j.attempt != attempt || j.status.isFinal()) return;
          if (error != null) {
            run.log(j, "warning: cannot look up the memoized result (" + error.getMessage() + "); running the stage");
            runStep(j, 0);
          } else if (found.isEmpty() || run.cancelled() || j.cancelRequested) {
            if (found.isEmpty()) run.log(j, "no memoized result for " + key + "; running the stage");
            runStep(j, 0);
          } else {
            StageMemo.Memo m = found.get();
            run.log(j, "↺ reusing the result of " + m.executionId() + " (memoized as " + key + "); its log follows");
            m.log().forEach(line -> run.log(j, line));
            j.outputs = run.masked(m.outputs());
            run.finishJob(j, StageStatus.CACHED, Optional.of(0), Optional.of("reused the result of " + m.executionId()));
          }
        }));
  }

  /**
   * Records a succeeded job's outputs and the log lines of its last attempt off the actor, then
   * finishes the job; a failure to record is logged and does not fail the job.
   */
  private void recordMemo(JobState j) {
    String key = j.rendered.memoize().orElseThrow();
    StageMemo memo = run.services().memo().orElseThrow();
    String stageId = j.stage.id();
    int attempt = j.attempt;
    Map<String, String> outputs = Map.copyOf(j.outputs);
    CompletableFuture.runAsync(() -> {
      List<String> lines = new ArrayList<>();
      long from = 1;
      while (true) {
        List<LogLine> page = run.services().logs().read(run.id(), stageId, from, 1000);
        if (page.isEmpty()) break;
        for (LogLine l : page) {
          if (l.jobId().equals(j.jobId) && l.attempt() == attempt) lines.add(l.text());
        }
        from = page.get(page.size() - 1).number() + 1;
      }
      memo.record(run.header().pipelineId(), j.jobId, key, new StageMemo.Memo(outputs, lines, run.id()));
    }, run.services().blocking()).whenComplete((done, error) -> run.actor().execute(() -> {
      if (error != null) {
        LOG.warn("cannot record the memoized result of {} in {}: {}", j.jobId, run.id(), error.getMessage());
        run.log(j, "warning: the result was not memoized: " + error.getMessage());
      }
      run.finishJob(j, StageStatus.SUCCEEDED, Optional.of(0), Optional.empty());
    }));
  }

  private void runStep(JobState j, int index) {
    if (index >= j.steps.size()) {
      attemptSucceeded(j);
      return;
    }
    if (run.cancelled() || j.cancelRequested) {
      run.finishJob(j, StageStatus.CANCELLED, Optional.empty(), Optional.of(j.cancelReason(run.cancelReason())));
      return;
    }
    PlannedStep step = j.steps.get(index);
    j.stepIndex = index;
    int attempt = j.attempt;
    run.log(j, "▶ " + step.name());
    CompletionStage<StepExit> result;
    try {
      result = new StepCall(run, j, index, step).proceed();
    } catch (RuntimeException e) {
      result = CompletableFuture.completedFuture(StepExit.runnerError(String.valueOf(e.getMessage())));
    }
    Optional<Duration> stepTimeout = step instanceof PlannedStep.Command c ? c.step().timeout() : Optional.empty();
    AtomicBoolean stepTimedOut = new AtomicBoolean();
    ScheduledFuture<?> timer = stepTimeout.map(d -> run.services().timer().schedule(() -> run.actor().execute(() -> {
      if (j.attempt == attempt && j.stepIndex == index && j.status == StageStatus.RUNNING) {
        stepTimedOut.set(true);
        run.log(j, "the step timed out after " + Durations.format(d) + "; stopping it");
        j.stopCurrent(run.services().cancelGrace());
      }
    }), d.toMillis(), TimeUnit.MILLISECONDS)).orElse(null);
    result.whenComplete((exit, error) -> run.actor().execute(() -> {
      if (timer != null) timer.cancel(false);
      j.current = null;
      StepExit e = error != null ? StepExit.runnerError(String.valueOf(error.getMessage())) : exit;
      stepEnded(j, index, e, stepTimedOut.get());
    }));
  }

  private void stepEnded(JobState j, int index, StepExit exit, boolean stepTimedOut) {
    if (!exit.outputs().isEmpty()) {
      synchronized (j) {
        j.attemptOutputs.putAll(run.masked(exit.outputs()));
      }
    }
    if (j.cancelRequested || run.cancelled()) {
      if (j.timedOut || run.timedOut()) {
        finishAttemptTimedOut(j);
      } else {
        run.finishJob(j, StageStatus.CANCELLED, ExecutionRun.exitCode(exit), Optional.of(j.cancelReason(run.cancelReason())));
      }
      return;
    }
    if (j.timedOut || stepTimedOut) {
      run.attemptFailed(j, RetryOn.TIMEOUT, exit.exitCode(), j.timedOut ? "the stage timed out" : "step " + (index + 1) + " timed out", true);
      return;
    }
    if (exit.runnerError().isPresent()) {
      run.log(j, "runner error: " + exit.runnerError().get());
      run.attemptFailed(j, RetryOn.RUNNER_ERROR, -1, exit.runnerError().get(), true);
      return;
    }
    if (exit.exitCode() != 0) {
      run.log(j, "✗ exit code " + exit.exitCode() + exit.reason().map(r -> ": " + r).orElse(""));
      run.attemptFailed(j, RetryOn.EXIT_CODE, exit.exitCode(), "step " + (index + 1) + " (" + j.steps.get(index).name()
          + ") exited with " + exit.exitCode() + exit.reason().map(r -> ": " + r).orElse(""), true);
      return;
    }
    runStep(j, index + 1);
  }

  private void finishAttemptTimedOut(JobState j) {
    run.finishJob(j, StageStatus.TIMED_OUT, Optional.empty(), Optional.of(run.timedOut() ? String.valueOf(run.cancelReason()) : "the stage timed out"));
  }

  private void attemptSucceeded(JobState j) {
    j.outputs = j.attemptOutputs;
    if (j.rendered.memoize().isPresent() && run.services().memo().isPresent()) {
      recordMemo(j); // finishes the job once recorded, so a run after this one finds it
    } else {
      run.finishJob(j, StageStatus.SUCCEEDED, Optional.of(0), Optional.empty());
    }
  }
}
