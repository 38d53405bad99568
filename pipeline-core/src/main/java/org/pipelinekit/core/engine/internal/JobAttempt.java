package org.pipelinekit.core.engine.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.expr.Expression;
import org.pipelinekit.core.expr.ExpressionException;
import org.pipelinekit.core.expr.Template;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.spi.JobContext;
import org.pipelinekit.core.spi.JobExit;
import org.pipelinekit.core.spi.JobInterceptor;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.StageMemo;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StepExit;

/**
 * One attempt of one job: its stage rendered and planned into steps, then the job interceptor chain — the
 * attempt timeout, the memo, the registered interceptors (caches, artifacts) — around its steps, which run one
 * after another, each through {@link StepCall}. The chain's {@link JobExit} goes back to the scheduler
 * ({@link ExecutionRun#attemptEnded}), which finishes the job or queues a retry. Steps are sequenced on the run's
 * actor; interceptors may continue on any thread.
 */
final class JobAttempt {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobAttempt.class);
  private final ExecutionRun run;
  private final JobState j;
  private final int attempt;
  private final AttemptContext context;

  private JobAttempt(ExecutionRun run, JobState j) {
    this.run = run;
    this.j = j;
    this.attempt = j.attempt;
    this.context = new AttemptContext(run, j, j.attempt);
  }

  /** Starts the job's next attempt: its workspace is made off the actor, then its stage is rendered and its chain runs. */
  static void start(ExecutionRun run, JobState j) {
    j.attempt++;
    j.status = StageStatus.RUNNING;
    j.attemptOutputs = new LinkedHashMap<>();
    j.timedOut = false;
    StageState s = j.stage;
    int attempt = j.attempt;
    run.hub().publish((seq, t) -> new JobStarted(run.id(), seq, t, s.id(), j.jobId, j.cell.values(), attempt));
    CompletableFuture.supplyAsync(() -> {
      try {
        return run.workspaces().prepare(j, attempt);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, run.services().blocking()).whenComplete((ws, error) -> run.actor().execute(() -> {
      if (j.attempt != attempt || j.status.isFinal()) {
        if (ws != null) run.services().blocking().execute(() -> Trees.delete(ws));
        return;
      }
      if (error != null) {
        String why = "cannot make the job's workspace: " + message(error);
        j.log("error: " + why);
        run.attemptFailed(j, JobExit.error(why), true);
        return;
      }
      j.workspace = ws;
      renderAndRun(run, j);
    }));
  }

  private static void renderAndRun(ExecutionRun run, JobState j) {
    StageState s = j.stage;
    Optional<StageType> type = run.services().registry().find(s.stage.type());
    if (type.isEmpty()) {
      run.attemptFailed(j, JobExit.error("unknown stage type '" + s.stage.type() + "'"), false);
      return;
    }
    try {
      Stage rendered = s.templated ? StageRendering.render(s.stage, run.contexts().of(s, j.cell, Map.of(), j.workspace)) : s.stage;
      j.steps = type.get().plan(rendered);
      j.rendered = rendered;
    } catch (RuntimeException e) {
      j.log("error: " + e.getMessage());
      String why = e instanceof ExpressionException ? e.getMessage() : "cannot prepare the stage: " + e.getMessage();
      run.attemptFailed(j, JobExit.error(why), false);
      return;
    }
    new JobAttempt(run, j).proceed();
  }

  private void proceed() {
    List<JobInterceptor> links = new ArrayList<>();
    j.stage.planned.settings().timeout().ifPresent(limit -> links.add(new AttemptTimeout(limit)));
    Optional<String> memoKey = j.rendered.memoize();
    if (memoKey.isPresent() && run.services().memo().isPresent()) links.add(new Memo(memoKey.get(), run.services().memo().get()));
    links.addAll(run.services().jobInterceptors());
    CompletionStage<JobExit> exit;
    try {
      exit = new Chain(links, 0).proceed();
    } catch (RuntimeException e) {
      exit = CompletableFuture.completedFuture(JobExit.error(String.valueOf(e.getMessage())));
    }
    java.nio.file.Path ws = j.workspace;
    String[] generated = new String[1];
    exit.handle((x, error) -> error != null ? JobExit.error(message(error)) : x)
        .thenApplyAsync(x -> {
          jobEnded();
          JobExit result = x;
          try { // the stages it generated, read before its workspace is handed on (and gone)
            if (x.result() == JobExit.Result.SUCCEEDED) generated[0] = GeneratedStages.take(ws).orElse(null);
          } catch (java.io.IOException e) {
            result = JobExit.error("cannot read the stages it wrote to $" + GeneratedStages.VARIABLE + ": " + e.getMessage());
          }
          run.workspaces().finish(j, j.rendered, ws, result); // (rendered again with the steps' outputs)
          return result;
        }, run.services().blocking())
        .whenComplete((x, error) -> run.actor().execute(() -> {
          if (j.attempt != attempt || j.status.isFinal()) return;
          j.generated = generated[0];
          run.attemptEnded(j, error != null ? JobExit.error(message(error)) : x);
        }));
  }

  /** Tells every runner the attempt's steps are over (a pod per job goes). */
  private void jobEnded() {
    Map<String, String> labels = StepCall.labels(run, j, attempt);
    for (org.pipelinekit.core.spi.Runner r : run.services().runners()) {
      try {
        r.jobEnded(labels);
      } catch (RuntimeException e) {
        LOG.warn("runner {} failed to let job {} attempt {} go: {}", r.id(), j.jobId, attempt, e.toString());
      }
    }
  }

  static String message(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof java.io.UncheckedIOException) && e.getCause() != null) e = e.getCause();
    return String.valueOf(e.getMessage());
  }

  private final class Chain implements JobInterceptor.Chain {
    private final List<JobInterceptor> links;
    private final int index;
    private final AtomicBoolean proceeded = new AtomicBoolean();

    Chain(List<JobInterceptor> links, int index) {
      this.links = links;
      this.index = index;
    }

    @Override
    public JobContext context() {
      return context;
    }

    @Override
    public CompletionStage<JobExit> proceed() {
      if (!proceeded.compareAndSet(false, true)) {
        throw new IllegalStateException("job interceptor " + links.get(index - 1).id()
            + " called proceed() twice; call it once, or not at all to skip the job's steps");
      }
      if (index < links.size()) return links.get(index).intercept(new Chain(links, index + 1));
      CompletableFuture<JobExit> done = new CompletableFuture<>();
      run.actor().execute(() -> runStep(0, done));
      return done;
    }
  }

  // ---- the steps, one after another, on the actor ----

  /** The first failure of a step (the job's result unless it is stopped), and why the job was stopped, if it was. */
  private JobExit failure;
  private JobExit stop;

  private void runStep(int index, CompletableFuture<JobExit> done) {
    if (j.attempt != attempt || j.status.isFinal()) {
      done.complete(stop != null ? stop : JobExit.cancelled(Optional.empty(), j.cancelReason(run.cancelReason())));
      return;
    }
    if (stop == null && (run.cancelled() || j.cancelRequested || j.timedOut)) stop = stopped(Optional.empty());
    if (index >= j.steps.size()) {
      if (failure == null && stop == null) failure = gates();
      renderArtifactsWithOutputs();
      done.complete(stop != null ? stop : failure != null ? failure : JobExit.SUCCEEDED);
      return;
    }
    PlannedStep step = j.steps.get(index);
    Optional<String> when = step instanceof PlannedStep.Command c ? c.step().when() : Optional.empty();
    boolean runIt;
    try {
      runIt = shouldRun(when);
    } catch (ExpressionException | UnsupportedOperationException e) {
      context.log("✗ " + step.name() + ": its condition cannot be evaluated: " + e.getMessage());
      if (failure == null) failure = JobExit.error("step " + (index + 1) + " (" + step.name() + "): the condition cannot be evaluated: " + e.getMessage());
      runStep(index + 1, done);
      return;
    }
    if (!runIt) {
      if (when.isPresent() && failure == null && stop == null) context.log("○ " + step.name() + " skipped: `" + when.get() + "` is false");
      runStep(index + 1, done);
      return;
    }
    j.stepIndex = index;
    context.log("▶ " + step.name());
    boolean afterStop = stop != null;
    StepCall call = new StepCall(run, new AttemptContext.Step(context, index), step);
    // a step that runs after a cancel or timeout (always(), cancelled()) gets the executor's grace, then it is stopped too
    CompletionStage<StepExit> exit = !afterStop ? call.proceed() : run.services().timer().limit(run.services().postStepGrace(),
        () -> run.actor().execute(() -> {
          if (j.attempt == attempt && j.stepIndex == index) j.stopForTimeout("the step after the stop", run.services().postStepGrace(),
              run.services().cancelGrace());
        }), call::proceed);
    exit.whenComplete((x, error) -> run.actor().execute(() -> {
      j.current = null;
      stepEnded(index, error != null ? StepExit.runnerError(message(error)) : x, call.timedOut(), afterStop, done);
    }));
  }

  private static final java.util.regex.Pattern OUTPUT_READ = java.util.regex.Pattern.compile("(?<!baseline\\.)\\boutputs\\.([A-Za-z_][A-Za-z0-9_-]*)");
  private static final java.util.regex.Pattern BASELINE_READ = java.util.regex.Pattern.compile("\\bbaseline\\.outputs\\.([A-Za-z_][A-Za-z0-9_-]*)");

  /**
   * The stage's quality gates, once its steps have succeeded, in order: each a condition over what the steps wrote. The
   * first that does not hold (or cannot be read) fails the job, naming the gate, its condition and the values it read.
   */
  private @org.jspecify.annotations.Nullable JobExit gates() {
    Map<String, String> gates = j.stage.stage.gates();
    if (gates.isEmpty()) return null;
    Map<String, String> outputs;
    synchronized (j) {
      outputs = Map.copyOf(j.attemptOutputs);
    }
    Map<String, String> baseline = null; // (looked up once, when a gate reads it)
    for (Map.Entry<String, String> g : gates.entrySet()) {
      String condition = g.getValue();
      if (BASELINE_READ.matcher(condition).find()) {
        if (baseline == null) baseline = run.services().baseline().outputs(run.header().pipeline().id(), j.stage.id(), run.id());
        Map<String, String> base = baseline;
        condition = BASELINE_READ.matcher(condition).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
            "'" + base.getOrDefault(m.group(1), "").replace("'", "''") + "'"));
      }
      String read = OUTPUT_READ.matcher(g.getValue()).results().map(m -> m.group(1)).distinct()
          .map(name -> "outputs." + name + " is " + (outputs.containsKey(name) ? outputs.get(name) : "not set")).collect(java.util.stream.Collectors.joining(", "));
      if (baseline != null) {
        Map<String, String> base = baseline;
        String was = BASELINE_READ.matcher(g.getValue()).results().map(m -> m.group(1)).distinct()
            .map(name -> "baseline.outputs." + name + " is " + base.getOrDefault(name, "not set (no good run of the default branch)"))
            .collect(java.util.stream.Collectors.joining(", "));
        if (!was.isEmpty()) read = read.isEmpty() ? was : read + ", " + was;
      }
      String gate = "quality gate '" + g.getKey() + "'";
      String what = g.getValue() + (read.isEmpty() ? "" : " (" + read + ")");
      boolean holds;
      try {
        holds = Expression.parseCondition(condition).test(run.contexts().ofStep(j, outputs, false, false));
      } catch (ExpressionException | UnsupportedOperationException e) {
        String why = e instanceof ExpressionException x ? x.reason() : e.getMessage();
        context.log("✗ " + gate + " cannot be checked: " + why);
        return JobExit.failed(1, gate + " cannot be checked: " + why);
      }
      if (!holds) {
        context.log("✗ " + gate + " does not hold: " + what);
        return JobExit.failed(1, gate + " does not hold: " + what);
      }
      context.log("✓ " + gate + " holds: " + what);
    }
    return null;
  }

  /**
   * Artifact names and paths may use what the job's steps wrote ({@code dist/${{ outputs.file }}}): rendered again once
   * the steps have ended, before the artifacts are stored.
   */
  private void renderArtifactsWithOutputs() {
    Stage raw = j.stage.stage;
    if (raw.artifacts().filter(a -> a.name().filter(Template::hasExpressions).isPresent()
        || a.paths().stream().anyMatch(Template::hasExpressions)).isEmpty()) {
      return;
    }
    Map<String, String> outputs;
    synchronized (j) {
      outputs = Map.copyOf(j.attemptOutputs);
    }
    try {
      j.rendered = StageRendering.withArtifacts(j.rendered, raw, run.contexts().of(j.stage, j.cell, outputs, j.workspace));
    } catch (RuntimeException e) {
      context.log("warning: the artifact paths cannot be read with the steps' outputs: " + e.getMessage());
    }
  }

  /** Whether a step with this condition runs now: by default only while nothing failed and nothing stopped the job. */
  private boolean shouldRun(Optional<String> when) {
    if (when.isEmpty()) return failure == null && stop == null;
    Expression condition = Expression.parseCondition(when.get());
    if (!condition.usesStatusFunction() && (failure != null || stop != null)) return false;
    Map<String, String> outputs;
    synchronized (j) {
      outputs = Map.copyOf(j.attemptOutputs);
    }
    return condition.test(run.contexts().ofStep(j, outputs, failure != null, stop != null));
  }

  private void stepEnded(int index, StepExit exit, boolean stepTimedOut, boolean afterStop, CompletableFuture<JobExit> done) {
    if (!exit.outputs().isEmpty()) {
      synchronized (j) {
        j.attemptOutputs.putAll(run.masker().mask(exit.outputs()));
      }
    }
    PlannedStep step = j.steps.get(index);
    boolean continueOnError = step instanceof PlannedStep.Command c && c.step().continueOnError();
    String name = "step " + (index + 1) + " (" + step.name() + ")";
    String reason = exit.reason().map(r -> ": " + r).orElse("");
    JobExit failed = null;
    if (!afterStop && (j.cancelRequested || run.cancelled() || j.timedOut)) {
      stop = stopped(exit.runnerError().isPresent() ? Optional.empty() : Optional.of(exit.exitCode()));
    } else if (stepTimedOut) {
      failed = JobExit.timedOut("step " + (index + 1) + " timed out");
    } else if (exit.runnerError().isPresent()) {
      context.log("runner error: " + exit.runnerError().get());
      failed = JobExit.error(exit.runnerError().get());
    } else if (exit.exitCode() != 0) {
      context.log("✗ exit code " + exit.exitCode() + reason + (continueOnError ? " (continueOnError: the job goes on)" : ""));
      failed = JobExit.failed(exit.exitCode(), name + " exited with " + exit.exitCode() + reason);
    }
    if (failed != null && !continueOnError && failure == null) failure = failed;
    runStep(index + 1, done);
  }

  private static final String STAGE_TIMED_OUT = "the stage timed out";

  /** The exit of an attempt that was stopped: by the pipeline's timeout, the stage's, or a cancel. */
  private JobExit stopped(Optional<Integer> exitCode) {
    if (run.timedOut()) return JobExit.timedOut(String.valueOf(run.cancelReason()));
    if (j.timedOut) return JobExit.timedOut(STAGE_TIMED_OUT);
    return JobExit.cancelled(exitCode, j.cancelReason(run.cancelReason()));
  }

  // ---- the engine's own job interceptors ----

  /** The stage's timeout, over the whole attempt: it stops the running step and no step after it starts. */
  private final class AttemptTimeout implements JobInterceptor {
    private final Duration limit;

    AttemptTimeout(Duration limit) {
      this.limit = limit;
    }

    @Override
    public String id() {
      return "attempt-timeout";
    }

    @Override
    public CompletionStage<JobExit> intercept(JobInterceptor.Chain chain) {
      return run.services().timer().limit(limit, () -> run.actor().execute(() -> {
        if (j.attempt == attempt && j.status == StageStatus.RUNNING) {
          j.timedOut = true;
          j.stopForTimeout("the stage", limit, run.services().cancelGrace());
        }
      }), chain::proceed);
    }
  }

  /**
   * A memoized stage ({@code memoize: key}): a result recorded for the key is taken over (REUSED, its log lines and
   * outputs replayed) and no step runs; otherwise the steps run and a success is recorded with the attempt's log.
   * The store is read and written off the actor; a store that fails is logged and never fails the job.
   */
  private final class Memo implements JobInterceptor {
    private final String key;
    private final StageMemo memo;

    Memo(String key, StageMemo memo) {
      this.key = key;
      this.memo = memo;
    }

    @Override
    public String id() {
      return "memo";
    }

    @Override
    public CompletionStage<JobExit> intercept(JobInterceptor.Chain chain) {
      String pipelineId = run.header().pipelineId();
      return CompletableFuture.supplyAsync(() -> memo.find(pipelineId, j.jobId, key), context.blockingExecutor())
          .handle((found, error) -> {
            if (error != null) {
              context.log("warning: cannot look up the memoized result (" + message(error) + "); running the stage");
            } else if (found.isPresent()) {
              StageMemo.Memo m = found.get();
              context.log("↺ reusing the result of " + m.executionId() + " (memoized as " + key + "); its log follows");
              m.log().forEach(context::log);
              m.outputs().forEach(context::output);
              return CompletableFuture.completedFuture(JobExit.reused("reused the result of " + m.executionId()));
            } else {
              context.log("no memoized result for " + key + "; running the stage");
            }
            return chain.proceed().thenCompose(exit -> exit.result() == JobExit.Result.SUCCEEDED ? record(exit) : CompletableFuture.completedFuture(exit));
          }).thenCompose(x -> x);
    }

    /** Records the outputs and the attempt's log lines, so a run after this one finds them. */
    private CompletionStage<JobExit> record(JobExit exit) {
      String stageId = j.stage.id();
      Map<String, String> outputs = context.outputs();
      return CompletableFuture.supplyAsync(() -> {
        try {
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
        } catch (RuntimeException e) {
          LOG.warn("cannot record the memoized result of {} in {}: {}", j.jobId, run.id(), e.getMessage());
          context.log("warning: the result was not memoized: " + e.getMessage());
        }
        return exit;
      }, context.blockingExecutor());
    }
  }
}
