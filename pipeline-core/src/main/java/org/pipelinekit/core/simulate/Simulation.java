package org.pipelinekit.core.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.files.FileTrees;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionTrigger;

/**
 * Runs pipelines on the real engine without running their steps: a {@link StepScript} answers each
 * step (its output, outputs, files, exit and how long it takes), time is {@link VirtualTime} that jumps
 * ahead whenever the engine has nothing left to do but wait, and an {@link Approver} decides
 * approvals. Conditions, needs, matrices, retries and their back-offs, timeouts, approvals and
 * rendering are the engine's own, so what a simulation shows is what a run would do with those step
 * results. Dry runs and the JUnit test kit ({@code pipeline-test}) are built on it.
 *
 * <pre>{@code
 * try (Simulation sim = Simulation.builder().build()) {           // every step succeeds at once
 *   SimulatedRun run = sim.run(pipeline, ExecutionTrigger.of("push").branch("main"), Map.of());
 *   run.snapshot().stage("deploy").status();                      // SKIPPED, SUCCEEDED, ...
 * }
 * }</pre>
 */
public final class Simulation implements AutoCloseable {
  /** How long the simulation waits for a step running for real before it calls the run stuck. */
  private static final Duration REAL_STEP_LIMIT = Duration.ofMinutes(10);
  /** Jobs run at once unless configured otherwise: not this machine's cores, so a simulation does the same everywhere. */
  private static final int PARALLEL_JOBS = 1000;

  private final VirtualTime time;
  private final Activity activity = new Activity();
  private final ScriptedSteps steps;
  private final Approver approver;
  private final PipelineExecutor executor;
  private final Optional<Path> ownDirectory;

  private Simulation(Builder b) {
    this.time = new VirtualTime(b.start);
    this.steps = new ScriptedSteps(b.script, b.runUnscripted, time, activity);
    this.approver = b.approver;
    Path data = b.dataDirectory;
    if (data == null) {
      try {
        data = Files.createTempDirectory("pipelinekit-simulation-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for the simulation's workspaces: " + e.getMessage(), e);
      }
      this.ownDirectory = Optional.of(data);
    } else {
      this.ownDirectory = Optional.empty();
    }
    PipelineExecutor.Builder eb = PipelineExecutor.builder().dataDirectory(data).clock(time).timer(time).taskDecorator(activity.decorator())
        .retentionSweepInterval(Duration.ZERO).maxParallelJobs(PARALLEL_JOBS)
        .runner(steps).interceptor((org.pipelinekit.core.spi.StepInterceptor) steps); // first: it answers every step
    b.configure.accept(eb);
    this.executor = eb.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The simulation's clock. */
  public VirtualTime time() {
    return time;
  }

  /** The executor behind it (for approvals by hand, reading logs, subscribing). */
  public PipelineExecutor executor() {
    return executor;
  }

  /**
   * Runs {@code pipeline} until it ends, or until it waits for an approval nobody decides, or until it is
   * stuck (nothing running and nothing due). Throws what {@link PipelineExecutor#execute} throws for a
   * pipeline that is not valid or parameters that are wrong.
   */
  public SimulatedRun run(Pipeline pipeline, ExecutionTrigger trigger, Map<String, ?> parameters) {
    List<ExecutionEvent> events = new ArrayList<>();
    int before = steps.steps().size();
    Instant started = time.instant();
    Execution e = executor.execute(pipeline, trigger, parameters, event -> {
      synchronized (events) {
        events.add(event);
      }
    });
    Set<String> asked = new HashSet<>();
    List<String> waiting = new ArrayList<>();
    SimulatedRun.Outcome outcome;
    try {
      while (true) {
        if (!activity.awaitIdle(REAL_STEP_LIMIT)) {
          outcome = SimulatedRun.Outcome.STUCK;
          break;
        }
        if (e.completion().isDone()) {
          outcome = SimulatedRun.Outcome.FINISHED;
          break;
        }
        List<ApprovalRequested> open = openApprovals(events, asked);
        if (!open.isEmpty()) {
          for (ApprovalRequested a : open) {
            asked.add(a.stageId() + "#" + a.sequence());
            Optional<Approver.Decision> d = approver.decide(a);
            if (d.isEmpty()) {
              waiting.add(a.stageId());
            } else if (d.get().approved()) {
              executor.approve(e.id(), a.stageId(), d.get().who());
            } else {
              executor.reject(e.id(), a.stageId(), d.get().who(), d.get().comment());
            }
          }
          if (!waiting.isEmpty()) {
            outcome = SimulatedRun.Outcome.WAITING_FOR_APPROVAL;
            break;
          }
          continue;
        }
        if (!time.advanceToNext()) {
          outcome = SimulatedRun.Outcome.STUCK;
          break;
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      e.cancel("the simulation was interrupted");
      outcome = SimulatedRun.Outcome.STUCK;
    }
    List<ExecutionEvent> seen;
    synchronized (events) {
      seen = List.copyOf(events);
    }
    List<SimulatedStep> all = steps.steps();
    return new SimulatedRun(e, e.snapshot(), seen, all.subList(before, all.size()), outcome, List.copyOf(waiting), started, time.instant());
  }

  private static List<ApprovalRequested> openApprovals(List<ExecutionEvent> events, Set<String> asked) {
    List<ApprovalRequested> open = new ArrayList<>();
    synchronized (events) {
      for (ExecutionEvent ev : events) {
        if (ev instanceof ApprovalRequested a && !asked.contains(a.stageId() + "#" + a.sequence())) open.add(a);
      }
    }
    return open;
  }

  @Override
  public void close() {
    try {
      executor.close();
      steps.close();
    } finally {
      ownDirectory.ifPresent(d -> {
        try {
          FileTrees.delete(d);
        } catch (IOException e) {
          // a temporary directory left behind
        }
      });
    }
  }

  public static final class Builder {
    private StepScript script = StepScript.succeedEverything();
    private boolean runUnscripted;
    private Approver approver = Approver.nobody();
    private Instant start = Instant.parse("2026-01-05T09:00:00Z");
    private Path dataDirectory;
    private Consumer<PipelineExecutor.Builder> configure = b -> { };

    private Builder() {}

    /** What each step does (default: every step succeeds at once). */
    public Builder script(StepScript script) {
      this.script = Objects.requireNonNull(script, "script");
      return this;
    }

    /** Steps the script has no answer for run for real (local processes, actions proceeding) instead of failing. */
    public Builder runUnscriptedSteps(boolean run) {
      this.runUnscripted = run;
      return this;
    }

    /** Who decides approvals (default: nobody, and a run that asks stops there). */
    public Builder approver(Approver approver) {
      this.approver = Objects.requireNonNull(approver, "approver");
      return this;
    }

    /** When virtual time starts (default 2026-01-05T09:00:00Z, a Monday morning). */
    public Builder start(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** Where the executions and their workspaces go (default: a temporary directory removed on close). */
    public Builder dataDirectory(Path dir) {
      this.dataDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Anything else about the executor: its stage registry, secrets, environments, interceptors (after the simulation's,
     * which answers every step: a runner added here takes only steps of stages whose {@code runsOn} labels it has).
     */
    public Builder configure(Consumer<PipelineExecutor.Builder> configure) {
      this.configure = Objects.requireNonNull(configure, "configure");
      return this;
    }

    public Simulation build() {
      return new Simulation(this);
    }
  }
}
