package org.pipelinekit.core.engine.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.run.ExecutionEvent.StepStarted;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StepAction;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepInterceptor;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;

/**
 * One step of a job attempt. A command step is rendered first into the {@link StepRequest} (command, environment,
 * directory, image, resources); then the step goes through the step chain: the registered interceptors, each of which
 * may proceed once with that request or a changed one, then the step's timeout, then the terminal call, which runs an
 * in-process action or starts the request on the first runner that takes it, its output going to the stage's log.
 * Runs on the actor (first call) or on whatever thread an interceptor proceeds from; it touches only its own job.
 */
final class StepCall {
  private final ExecutionRun run;
  private final AttemptContext.Step context;
  private final JobState job;
  private final PlannedStep step;
  private final AtomicBoolean timedOut = new AtomicBoolean();

  StepCall(ExecutionRun run, AttemptContext.Step context, PlannedStep step) {
    this.run = run;
    this.context = context;
    this.job = context.job;
    this.step = step;
  }

  /** Whether the step's own timeout stopped it. */
  boolean timedOut() {
    return timedOut.get();
  }

  /**
   * Runs the step through its chain. The call ends only once the process it started has ended too: an interceptor that
   * answers (or fails) while the runner's step still runs has that step stopped and waited for, so nothing of it
   * outlives its job (its lines, its files).
   */
  CompletionStage<StepExit> proceed() {
    CompletionStage<StepExit> result;
    try {
      Optional<StepRequest> request = step instanceof PlannedStep.Command c ? Optional.of(request(c.step())) : Optional.empty();
      List<StepInterceptor> links = new ArrayList<>(run.services().interceptors());
      if (step instanceof PlannedStep.Command c && c.step().timeout().isPresent()) links.add(new StepTimeout(c.step().timeout().get()));
      result = new Chain(links, 0, request).proceed();
    } catch (RuntimeException e) { // a template that cannot be rendered, an interceptor that threw or proceeded twice
      result = CompletableFuture.completedFuture(StepExit.runnerError(String.valueOf(e.getMessage())));
    }
    return result.handle((exit, error) -> {
      RunningStep still = started;
      CompletionStage<Void> ended = CompletableFuture.completedFuture(null);
      if (still != null && !still.exit().toCompletableFuture().isDone()) {
        still.cancel(run.services().cancelGrace());
        ended = still.exit().handle((ignored, e) -> null);
      }
      return ended.thenCompose(v -> error == null ? CompletableFuture.completedFuture(exit) : CompletableFuture.<StepExit>failedFuture(error));
    }).thenCompose(x -> x);
  }

  private volatile RunningStep started;

  private final class Chain implements StepInterceptor.Chain {
    private final List<StepInterceptor> links;
    private final int index;
    private final Optional<StepRequest> request;
    private final AtomicBoolean proceeded = new AtomicBoolean();

    Chain(List<StepInterceptor> links, int index, Optional<StepRequest> request) {
      this.links = links;
      this.index = index;
      this.request = request;
    }

    @Override
    public StepContext context() {
      return context;
    }

    @Override
    public Optional<StepRequest> request() {
      return request;
    }

    @Override
    public CompletionStage<StepExit> proceed() {
      return next(request);
    }

    @Override
    public CompletionStage<StepExit> proceed(StepRequest changed) {
      if (request.isEmpty()) {
        throw new IllegalArgumentException("step '" + step.name() + "' is an in-process action and takes no request; call proceed()");
      }
      return next(Optional.of(changed));
    }

    private CompletionStage<StepExit> next(Optional<StepRequest> r) {
      if (!proceeded.compareAndSet(false, true)) {
        String by = index == 0 ? "the engine" : links.get(index - 1).id();
        throw new IllegalStateException("interceptor " + by + " called proceed() twice; call it once, or not at all to skip the step");
      }
      if (index < links.size()) return links.get(index).intercept(new Chain(links, index + 1, r));
      return r.isPresent() ? start(r.get()) : runAction(((PlannedStep.Action) step).action().get());
    }
  }

  /** The step's own {@code timeout}: stops it when it runs longer; the job sees the step timed out. */
  private final class StepTimeout implements StepInterceptor {
    private final Duration limit;

    StepTimeout(Duration limit) {
      this.limit = limit;
    }

    @Override
    public String id() {
      return "step-timeout";
    }

    @Override
    public CompletionStage<StepExit> intercept(StepInterceptor.Chain chain) {
      int attempt = context.attempt();
      int index = context.stepIndex();
      return run.services().timer().limit(limit, () -> run.actor().execute(() -> {
        if (job.attempt == attempt && job.stepIndex == index && !job.status.isFinal()) {
          timedOut.set(true);
          job.stopForTimeout("the step", limit, run.services().cancelGrace());
        }
      }), chain::proceed);
    }
  }

  private CompletionStage<StepExit> runAction(StepAction action) {
    job.current = grace -> action.cancel();
    try {
      return action.run(context);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(StepExit.runnerError(String.valueOf(e.getMessage())));
    }
  }

  /** Starts the request on the first runner that takes it; its lines go to the stage's log as this attempt's. */
  private CompletionStage<StepExit> start(StepRequest request) {
    List<String> refusals = new ArrayList<>();
    Runner runner = choose(run.services().runners(), request, refusals);
    if (runner == null) {
      return CompletableFuture.completedFuture(StepExit.runnerError("no runner can run this step (" + String.join("; ", refusals) + ")"));
    }
    String runnerId = runner.id();
    int stepNumber = context.stepIndex() + 1;
    int attempt = context.attempt();
    RunningStep running = runner.start(request, new StepOutput() {
      @Override
      public void line(String text) {
        context.log(text);
      }

      @Override
      public void lines(List<String> texts) {
        job.stage.log.appendAll(job.jobId, attempt, texts);
      }

      @Override
      public void started(Duration startup) {
        run.hub().publish((seq, t) -> new StepStarted(run.id(), seq, t, job.stage.id(), job.jobId, attempt, stepNumber, runnerId, startup));
      }
    });
    started = running;
    job.current = running::cancel;
    return running.exit();
  }

  /** The command step rendered for a runner: a step reads what its job's earlier steps (this attempt) wrote as outputs.<name>. */
  private StepRequest request(Step s) {
    StageRendering.Lazy ctx = new StageRendering.Lazy(() -> {
      synchronized (job) {
        return run.contexts().of(job.stage, job.cell, Map.copyOf(job.attemptOutputs), job.workspace);
      }
    });
    Map<String, String> env = run.contexts().env(job, context.attempt(), ctx, s.env());
    String command = StageRendering.render(s.run(), ctx);
    if (run.header().trigger().isTraced()) command = "set -x\n" + command; // each command it runs, logged (with the line's time)
    Path workspace = job.workspace;
    Path dir = s.workingDirectory().map(w -> workspace.resolve(StageRendering.render(w, ctx)).normalize()).orElse(workspace);
    if (!dir.startsWith(workspace)) {
      throw new IllegalArgumentException("working directory " + s.workingDirectory().get() + " is outside the workspace");
    }
    Optional<String> image = job.rendered.image().or(() -> run.services().registry().find(job.rendered.type()).flatMap(StageType::defaultImage));
    return new StepRequest(command, env, dir, image, job.stage.planned.settings().resources(), labels(run, job, context.attempt()), workspace,
        job.stage.planned.settings().timeout(), java.util.Set.copyOf(job.stage.stage.runsOn()));
  }

  /** The labels of a job attempt's steps, as runners see them in {@link StepRequest#labels()} and {@link Runner#jobEnded}. */
  static Map<String, String> labels(ExecutionRun run, JobState job, int attempt) {
    return Map.of("pipelinekit.execution", run.id(), "pipelinekit.stage", job.stage.id(), "pipelinekit.job", job.jobId,
        "pipelinekit.attempt", Integer.toString(attempt));
  }

  /**
   * The runner for {@code request}: the first whose labels meet the stage's {@code runsOn} and that can run it, else the
   * first without labels that can.
   */
  static Runner choose(List<Runner> runners, StepRequest request, List<String> refusals) {
    for (int pass = 0; pass < 2; pass++) {
      for (Runner r : runners) {
        boolean labelled = !r.labels().isEmpty();
        if (pass == 0 ? !labelled || java.util.Collections.disjoint(r.labels(), request.runsOn()) : labelled) continue;
        Optional<String> no = r.cannotRun(request);
        if (no.isEmpty()) return r;
        refusals.add(r.id() + ": " + no.get());
      }
    }
    return null;
  }
}
