package org.pipelinekit.core.engine.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.engine.internal.RunState.Stoppable;
import org.pipelinekit.core.expr.ExpressionException;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.run.ExecutionEvent;
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
 * One step of a job attempt: through the step interceptor chain (each interceptor may proceed once), then the
 * terminal call, which runs an in-process action or renders the command, its environment and directory, picks the
 * first runner that takes the request and starts it, its output going to the stage's log. Runs on the run's actor
 * (first call) or on whatever thread an interceptor proceeds from; it touches only its own job.
 */
final class StepCall {
  private final ExecutionRun run;
  private final JobState job;
  private final int index;
  private final PlannedStep step;

  StepCall(ExecutionRun run, JobState job, int index, PlannedStep step) {
    this.run = run;
    this.job = job;
    this.index = index;
    this.step = step;
  }

  CompletionStage<StepExit> proceed() {
    return new Chain(new Context(job, index), 0, step).proceed();
  }

  private final class Chain implements StepInterceptor.Chain {
    private final Context context;
    private final int index;
    private final PlannedStep step;
    private final AtomicBoolean proceeded = new AtomicBoolean();

    Chain(Context context, int index, PlannedStep step) {
      this.context = context;
      this.index = index;
      this.step = step;
    }

    @Override
    public StepContext context() {
      return context;
    }

    @Override
    public CompletionStage<StepExit> proceed() {
      if (!proceeded.compareAndSet(false, true)) {
        String by = index == 0 ? "the engine" : run.services().interceptors().get(index - 1).id();
        throw new IllegalStateException("interceptor " + by + " called proceed() twice; call it once, or not at all to skip the step");
      }
      List<StepInterceptor> interceptors = run.services().interceptors();
      if (index < interceptors.size()) {
        return interceptors.get(index).intercept(new Chain(context, index + 1, step));
      }
      return runTerminal(context, step);
    }
  }

  /** Runs on the actor (first call) or on whatever thread an interceptor proceeds from; touches only its job. */
  private CompletionStage<StepExit> runTerminal(Context context, PlannedStep step) {
    JobState j = context.job;
    if (step instanceof PlannedStep.Action a) {
      StepAction action = a.action().get();
      j.current = new Stoppable() {
        @Override
        public void stop(Duration grace) {
          action.cancel();
        }
      };
      try {
        return action.run(context);
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(StepExit.runnerError(String.valueOf(e.getMessage())));
      }
    }
    Step s = ((PlannedStep.Command) step).step();
    // a step reads what the earlier steps of its job (this attempt) wrote to $PIPELINE_OUTPUT as outputs.<name>
    StageRendering.Lazy ctx = new StageRendering.Lazy(() -> {
      synchronized (j) {
        return run.context(j.stage, j.cell, Map.copyOf(j.attemptOutputs));
      }
    });
    Map<String, String> env;
    try {
      env = env(j, ctx, s.env());
    } catch (ExpressionException e) {
      return CompletableFuture.completedFuture(StepExit.runnerError(e.getMessage()));
    }
    String command;
    Path dir;
    try {
      command = StageRendering.render(s.run(), ctx);
      dir = s.workingDirectory().map(w -> run.workspace().resolve(StageRendering.render(w, ctx)).normalize()).orElse(run.workspace());
    } catch (ExpressionException e) {
      return CompletableFuture.completedFuture(StepExit.runnerError(e.getMessage()));
    }
    if (!dir.startsWith(run.workspace())) {
      return CompletableFuture.completedFuture(StepExit.runnerError("working directory " + s.workingDirectory().get()
          + " is outside the workspace"));
    }
    Optional<String> image = j.rendered.image().or(() -> run.services().registry().find(j.rendered.type()).flatMap(StageType::defaultImage));
    StepRequest request = new StepRequest(command, env, dir, image, j.stage.planned.settings().resources(),
        Map.of("pipelinekit.execution", run.id(), "pipelinekit.stage", j.stage.id(), "pipelinekit.job", j.jobId,
            "pipelinekit.attempt", Integer.toString(j.attempt)));
    Runner runner = null;
    List<String> refusals = new ArrayList<>();
    for (Runner r : run.services().runners()) {
      Optional<String> no = r.cannotRun(request);
      if (no.isEmpty()) {
        runner = r;
        break;
      }
      refusals.add(r.id() + ": " + no.get());
    }
    if (runner == null) {
      return CompletableFuture.completedFuture(StepExit.runnerError("no runner can run this step (" + String.join("; ", refusals) + ")"));
    }
    String runnerId = runner.id();
    int stepNumber = context.index + 1;
    int attempt = j.attempt;
    RunningStep running = runner.start(request, new StepOutput() {
      @Override
      public void line(String text) {
        run.log(j, text);
      }

      @Override
      public void started(Duration startup) {
        run.hub().publish((seq, t) -> new StepStarted(run.id(), seq, t, j.stage.id(), j.jobId, attempt, stepNumber, runnerId, startup));
      }
    });
    j.current = running::cancel;
    return running.exit();
  }

  /**
   * The environment of a step: the pipeline's, the stage environment's variables, the stage's, the
   * step's own (all rendered), then the {@code CI}/{@code PIPELINE_*} variables.
   */
  private Map<String, String> env(JobState j, StageRendering.Lazy ctx, Map<String, String> stepEnv) {
    Map<String, String> env = new LinkedHashMap<>();
    run.header().pipeline().env().forEach((k, v) -> env.put(k, StageRendering.render(v, ctx)));
    j.stage.stage.environment().ifPresent(e -> e.variables().forEach((k, v) -> env.put(k, StageRendering.render(v, ctx))));
    j.rendered.env().forEach(env::put);
    stepEnv.forEach((k, v) -> env.put(k, StageRendering.render(v, ctx)));
    env.put("CI", "true");
    env.put("PIPELINEKIT", "true");
    env.put("PIPELINE_ID", run.header().pipelineId());
    env.put("PIPELINE_EXECUTION_ID", run.id());
    env.put("PIPELINE_STAGE", j.stage.id());
    env.put("PIPELINE_JOB", j.jobId);
    env.put("PIPELINE_ATTEMPT", Integer.toString(j.attempt));
    env.put("PIPELINE_WORKSPACE", run.workspace().toString());
    run.header().trigger().branch().ifPresent(b -> env.put("PIPELINE_BRANCH", b));
    run.header().trigger().commit().ifPresent(c -> env.put("PIPELINE_COMMIT", c));
    return env;
  }

  /** The step context handed to interceptors and actions. */
  private final class Context implements StepContext {
    final JobState job;
    final int index;

    Context(JobState job, int index) {
      this.job = job;
      this.index = index;
    }

    @Override public String executionId() { return run.id(); }
    @Override public String pipelineId() { return run.header().pipelineId(); }
    @Override public Stage stage() { return job.rendered; }
    @Override public String jobId() { return job.jobId; }
    @Override public Map<String, String> matrix() { return job.cell.values(); }
    @Override public int attempt() { return job.attempt; }
    @Override public int stepIndex() { return index; }
    @Override public int stepCount() { return job.steps.size(); }
    @Override public Path workspace() { return run.workspace(); }
    @Override public Map<String, String> env() { return StepCall.this.env(job, new StageRendering.Lazy(() -> run.context(job.stage, job.cell)), Map.of()); }
    @Override public Optional<String> branch() { return run.header().trigger().branch(); }
    @Override public Optional<org.pipelinekit.core.model.Resources> resources() { return job.stage.planned.settings().resources(); }
    @Override public void log(String line) { run.log(job, line); }

    @Override
    public void artifactStored(String name, String artifactId, long size, String digest, String url) {
      run.hub().publish((seq, t) -> new ExecutionEvent.ArtifactStored(run.id(), seq, t, job.stage.id(), job.jobId, name, artifactId, size, digest, url));
    }

    @Override
    public void cacheUsed(String action, String key, Optional<String> matchedKey, long bytes, Duration took) {
      run.hub().publish((seq, t) -> new ExecutionEvent.CacheUsed(run.id(), seq, t, job.stage.id(), job.jobId, action, key, matchedKey, bytes, took));
    }

    @Override
    public void output(String name, String value) {
      String masked = run.masker().mask(value);
      synchronized (job) {
        job.attemptOutputs.put(name, masked);
      }
    }

    @Override
    public Map<String, String> outputs() {
      synchronized (job) {
        return Map.copyOf(job.attemptOutputs);
      }
    }

    @Override
    public java.util.concurrent.Executor blockingExecutor() {
      return run.services().blocking();
    }
  }
}
