package org.pipelinekit.core.simulate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pipelinekit.core.engine.EngineTimer;
import org.pipelinekit.core.runner.LocalProcessRunner;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepInterceptor;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;

/**
 * The simulation's runner and step interceptor. The interceptor sees every step first: it labels a
 * command's request with the step's place (which the runner reads back) and answers an in-process
 * action itself; the runner answers commands, after the engine's step timeout, so a scripted step that
 * takes too long times out as a real one would. An unanswered step runs for real (a local process, an
 * action proceeding) or fails, as the simulation was built.
 */
final class ScriptedSteps implements Runner, StepInterceptor {
  private static final String STEP_INDEX = "pipelinekit.simulation.step";
  private static final String STEP_NAME = "pipelinekit.simulation.step-name";

  private final StepScript script;
  private final boolean runUnscripted;
  private final VirtualTime time;
  private final Activity activity;
  private final List<SimulatedStep> steps = new ArrayList<>();
  private LocalProcessRunner local;

  ScriptedSteps(StepScript script, boolean runUnscripted, VirtualTime time, Activity activity) {
    this.script = script;
    this.runUnscripted = runUnscripted;
    this.time = time;
    this.activity = activity;
  }

  synchronized List<SimulatedStep> steps() {
    return List.copyOf(steps);
  }

  private synchronized void record(SimulatedStep step) {
    steps.add(step);
  }

  @Override
  public String id() {
    return "simulation";
  }

  // ---- the interceptor ----

  @Override
  public CompletionStage<StepExit> intercept(Chain chain) {
    StepContext c = chain.context();
    if (chain.request().isPresent()) {
      StepRequest r = chain.request().get();
      Map<String, String> labels = new HashMap<>(r.labels());
      labels.put(STEP_INDEX, Integer.toString(c.stepIndex()));
      labels.put(STEP_NAME, c.stepName());
      return chain.proceed(new StepRequest(r.command(), r.env(), r.workingDirectory(), r.image(), r.resources(), labels, r.workspace(),
          r.jobTimeout(), r.runsOn()));
    }
    SimulatedStep.Request step = new SimulatedStep.Request(c.stage().id(), c.jobId(), c.attempt(), c.stepIndex(), c.stepName(),
        Optional.empty(), c.env(), c.stage().image(), c.workspace(), c.inputs());
    List<String> files = list(step.workingDirectory());
    Optional<StepScript.Answer> answer = script.answer(step);
    Instant started = time.instant();
    if (answer.isPresent()) {
      Scripted s = perform(step, answer.get(), c::log, files);
      return s.exit;
    }
    if (runUnscripted) {
      activity.begin(); // an action may wait on threads of its own (an HTTP client's): its end is counted here
      CompletableFuture<StepExit> done = new CompletableFuture<>();
      chain.proceed().whenComplete((x, error) -> {
        StepExit exit = error != null ? StepExit.runnerError(String.valueOf(error.getMessage())) : x;
        record(new SimulatedStep(step, started, time.instant(), exit.exitCode(), SimulatedStep.How.REAL, files));
        try {
          done.complete(exit);
        } finally {
          activity.end();
        }
      });
      return done;
    }
    return CompletableFuture.completedFuture(unscripted(step, started, files));
  }

  // ---- the runner ----

  @Override
  public RunningStep start(StepRequest request, StepOutput output) {
    Map<String, String> l = request.labels();
    SimulatedStep.Request step = new SimulatedStep.Request(l.getOrDefault("pipelinekit.stage", "?"), l.getOrDefault("pipelinekit.job", "?"),
        Integer.parseInt(l.getOrDefault("pipelinekit.attempt", "1")), Integer.parseInt(l.getOrDefault(STEP_INDEX, "0")),
        l.getOrDefault(STEP_NAME, request.command()), Optional.of(request.command()), request.env(), request.image(),
        request.workingDirectory(), Map.of());
    List<String> files = list(request.workingDirectory());
    Instant started = time.instant();
    Optional<StepScript.Answer> answer = script.answer(step);
    if (answer.isPresent()) {
      output.started(Duration.ZERO);
      return perform(step, answer.get(), output::line, files);
    }
    if (runUnscripted) return real(step, request, output, started, files);
    StepExit exit = unscripted(step, started, files);
    return new Scripted(CompletableFuture.completedFuture(exit), () -> { });
  }

  private RunningStep real(SimulatedStep.Request step, StepRequest request, StepOutput output, Instant started, List<String> files) {
    synchronized (this) {
      if (local == null) local = new LocalProcessRunner();
    }
    activity.begin(); // a process takes real time: the simulation waits for it instead of moving the clock
    RunningStep running = local.start(request, output);
    CompletableFuture<StepExit> done = new CompletableFuture<>();
    running.exit().whenComplete((x, error) -> {
      StepExit exit = error != null ? StepExit.runnerError(String.valueOf(error.getMessage())) : x;
      record(new SimulatedStep(step, started, time.instant(), exit.exitCode(), SimulatedStep.How.REAL, files));
      try {
        done.complete(exit); // the engine's callbacks hand their work on before this step stops being counted
      } finally {
        activity.end();
      }
    });
    return new RunningStep() {
      @Override
      public CompletionStage<StepExit> exit() {
        return done;
      }

      @Override
      public void cancel(Duration grace) {
        running.cancel(grace);
      }
    };
  }

  private StepExit unscripted(SimulatedStep.Request step, Instant started, List<String> files) {
    record(new SimulatedStep(step, started, started, 1, SimulatedStep.How.UNSCRIPTED, files));
    return StepExit.runnerError("the simulation has no answer for " + step.describe()
        + (step.isAction() ? " (" + step.shown() + ")" : " (`" + step.shown() + "`)")
        + "; script it, or let unscripted steps run for real");
  }

  /** Does what the answer says: files and lines at once, the exit after its time. */
  private Scripted perform(SimulatedStep.Request step, StepScript.Answer a, java.util.function.Consumer<String> print, List<String> files) {
    Instant started = time.instant();
    for (Map.Entry<String, String> f : a.files().entrySet()) {
      Path target = step.workingDirectory().resolve(f.getKey()).normalize();
      if (!target.startsWith(step.workingDirectory().normalize())) {
        return new Scripted(CompletableFuture.completedFuture(StepExit.runnerError("the scripted file " + f.getKey() + " is outside the workspace")),
            () -> { });
      }
      try {
        Files.createDirectories(target.getParent());
        Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return new Scripted(CompletableFuture.completedFuture(StepExit.runnerError("cannot write the scripted file " + f.getKey() + ": "
            + e.getMessage())), () -> { });
      }
    }
    for (String line : a.lines()) print.accept(line);
    CompletableFuture<StepExit> exit = new CompletableFuture<>();
    StepExit result = a.exitCode() == 0 ? StepExit.of(0, a.outputs()) : StepExit.of(a.exitCode(), a.outputs());
    if (a.takes().isZero()) {
      record(new SimulatedStep(step, started, started, a.exitCode(), SimulatedStep.How.SCRIPTED, files));
      exit.complete(result);
      return new Scripted(exit, () -> { });
    }
    EngineTimer.Scheduled end = time.schedule(a.takes(), () -> {
      if (exit.isDone()) return;
      record(new SimulatedStep(step, started, time.instant(), a.exitCode(), SimulatedStep.How.SCRIPTED, files));
      exit.complete(result);
    });
    return new Scripted(exit, () -> {
      end.cancel();
      if (exit.isDone()) return;
      record(new SimulatedStep(step, started, time.instant(), 143, SimulatedStep.How.CANCELLED, files));
      exit.complete(StepExit.of(143)); // as a process ended by SIGTERM
    });
  }

  /** A scripted step: its exit, and what stops it early. */
  private static final class Scripted implements RunningStep {
    final CompletableFuture<StepExit> exit;
    private final Runnable stop;

    Scripted(CompletableFuture<StepExit> exit, Runnable stop) {
      this.exit = exit;
      this.stop = stop;
    }

    @Override
    public CompletionStage<StepExit> exit() {
      return exit;
    }

    @Override
    public void cancel(Duration grace) {
      stop.run();
    }
  }

  /** The files under {@code dir} (relative, with /, sorted), at most {@link SimulatedStep#LISTED_FILES}. */
  private static List<String> list(Path dir) {
    if (!Files.isDirectory(dir)) return List.of();
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).limit(SimulatedStep.LISTED_FILES).map(f -> dir.relativize(f).toString().replace('\\', '/'))
          .sorted().toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  @Override
  public synchronized void close() {
    if (local != null) local.close();
  }
}
