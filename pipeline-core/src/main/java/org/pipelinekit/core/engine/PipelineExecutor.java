package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.pipelinekit.core.run.StageStatus;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.internal.Commands;
import org.pipelinekit.core.engine.internal.ConcurrencyGroups;
import org.pipelinekit.core.engine.internal.EngineServices;
import org.pipelinekit.core.engine.internal.FailedWorkspaces;
import org.pipelinekit.core.engine.internal.LiveExecution;
import org.pipelinekit.core.engine.internal.Orphans;
import org.pipelinekit.core.engine.internal.Parameters;
import org.pipelinekit.core.engine.internal.Reruns;
import org.pipelinekit.core.engine.internal.StoredView;
import org.pipelinekit.core.engine.internal.Trees;
import org.pipelinekit.core.engine.internal.Slots;
import org.pipelinekit.core.engine.internal.SnapshotBuilder;
import org.pipelinekit.core.log.FileLogStore;
import org.pipelinekit.core.log.InMemoryLogStore;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.plan.ExecutionPlanner;
import org.pipelinekit.core.secret.SecretAudit;
import org.pipelinekit.core.spi.ConcurrencyLedger;
import org.pipelinekit.core.spi.Cluster;
import org.pipelinekit.core.spi.ControlChannel;
import org.pipelinekit.core.spi.JobQueue;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.LogStore;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.core.spi.JobInterceptor;
import org.pipelinekit.core.spi.StepInterceptor;
import org.pipelinekit.core.spi.StoredExecution;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.core.store.FileExecutionStore;
import org.pipelinekit.core.store.InMemoryExecutionStore;
import org.pipelinekit.core.validate.PipelineValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pipelines. Wires the runner, stores, secrets and interceptors together and holds the live
 * executions; the scheduling itself lives in each execution ({@code engine.internal}). Nothing
 * starts until {@link #execute}; {@link #close()} stops every thread it made.
 *
 * <pre>{@code
 * try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(Path.of("/var/lib/ci")).build()) {
 *   Execution e = executor.execute(pipeline, ExecutionTrigger.manual().branch("main"), Map.of("target", "staging"));
 *   ExecutionSnapshot done = e.completion().join();
 * }
 * }</pre>
 *
 * <p>On build, executions a previous host left unfinished in the execution store are marked
 * {@link ExecutionStatus#INTERRUPTED}; {@link #rerun} continues them. One executor per data
 * directory.
 */
public final class PipelineExecutor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineExecutor.class);

  private final EngineServices services;
  private final PipelineValidator validator;
  private final Optional<org.pipelinekit.core.sign.PipelineSignatures.Trusted> trusted;
  private final List<org.pipelinekit.core.spi.Admission> admissions;
  private final String defaultBranch;
  private final ExecutionPlanner planner;
  private final Duration logRetention;
  private final Map<String, LiveExecution> live = new ConcurrentHashMap<>();
  private final List<EventListener> globalListeners;
  private final ConcurrencyGroups groups;
  private final List<AutoCloseable> owned;
  private final ExecutorService engineThreads;
  private final ExecutorService deliveryThreads;
  private final ExecutorService blockingThreads;
  private final ScheduledExecutorService timer;
  private final int defaultQueueLimit;
  private final Commands commands;
  private final @org.jspecify.annotations.Nullable AutoCloseable serving;

  private PipelineExecutor(Builder b) {
    PipelineValidator.Builder vb = PipelineValidator.builder().registry(b.registry);
    if (b.secrets != null) { // a secret no store has is an error, not an empty value
      SecretStore secrets = b.secrets;
      vb.secretNames(() -> { // (an environment's PRODUCTION__TOKEN is read as secrets.TOKEN by its stages)
        java.util.Set<String> names = new java.util.HashSet<>(secrets.names());
        secrets.names().stream().filter(n -> n.indexOf("__") > 0).forEach(n -> names.add(n.substring(n.indexOf("__") + 2)));
        return names;
      });
    }
    this.validator = b.validator != null ? b.validator : vb.build();
    this.trusted = Optional.ofNullable(b.trusted);
    this.admissions = List.copyOf(b.admissions);
    this.planner = ExecutionPlanner.builder().maxMatrixCombinations(validator.limits().maxMatrixCombinations()).build();
    this.logRetention = b.logRetention;
    this.defaultQueueLimit = b.queueLimit;
    this.engineThreads = Executors.newFixedThreadPool(b.engineThreads, daemon("pipelinekit-engine-"));
    this.deliveryThreads = Executors.newCachedThreadPool(daemon("pipelinekit-events-"));
    this.blockingThreads = Executors.newCachedThreadPool(daemon("pipelinekit-action-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("pipelinekit-timer-"));
    List<AutoCloseable> closeables = new ArrayList<>(b.ownedByBuilder);
    List<Runner> runners = new ArrayList<>(b.runners);
    if (runners.isEmpty()) {
      org.pipelinekit.core.runner.LocalProcessRunner local = new org.pipelinekit.core.runner.LocalProcessRunner();
      runners.add(local);
      closeables.add(local);
    }
    ExecutionStore executions = b.executions;
    LogStore logs = b.logs;
    Path runRoot = b.runRoot;
    SecretAudit audit = b.audit;
    if (b.dataDir != null) {
      if (executions == null) {
        executions = new FileExecutionStore(b.dataDir);
        closeables.add(executions);
      }
      if (logs == null) {
        logs = new FileLogStore(b.dataDir);
        closeables.add(logs);
      }
      if (runRoot == null) runRoot = b.dataDir.resolve("runs");
      if (audit == null) audit = SecretAudit.toFile(b.dataDir.resolve("audit").resolve("secrets.log"));
    }
    if (executions == null) executions = new InMemoryExecutionStore();
    if (logs == null) logs = new InMemoryLogStore();
    if (audit == null) audit = SecretAudit.inMemory();
    if (runRoot == null) {
      try {
        Path temporary = Files.createTempDirectory("pipelinekit-runs-");
        runRoot = temporary;
        closeables.add(() -> Trees.delete(temporary)); // (last: after the runners, whose steps ran in it)
      } catch (IOException e) {
        throw new PipelineException(ErrorCode.WORKSPACE_UNAVAILABLE, "cannot create a temporary run directory: " + e.getMessage(), e);
      }
    }
    this.owned = closeables;
    this.globalListeners = new java.util.concurrent.CopyOnWriteArrayList<>(b.globalListeners);
    this.services = new EngineServices(b.registry, runners, executions, logs, Optional.ofNullable(b.secrets), audit,
        b.jobInterceptors, b.interceptors, b.clock, b.engineTimer != null ? b.engineTimer : EngineTimer.of(timer), decorated(engineThreads, b.taskDecorator),
        decorated(deliveryThreads, b.taskDecorator), decorated(blockingThreads, b.taskDecorator), new Slots(b.maxParallelJobs, b.maxParallelJobsPerPipeline),
        runRoot, b.handoffs != null ? b.handoffs : new org.pipelinekit.core.engine.internal.DirectoryHandoffs(runRoot),
        Optional.ofNullable(b.sharedWorkspace), Optional.ofNullable(b.source), new FailedWorkspaces(b.keepFailedWorkspaces),
        b.cancelGrace, b.postStepGrace, b.eventBuffer, Optional.ofNullable(b.memo), Optional.ofNullable(b.jobQueue),
        Optional.ofNullable(b.sourceProvider), Optional.ofNullable(b.protectedBranches),
        Optional.ofNullable(b.environments), this::baselineOutputs);
    this.defaultBranch = b.defaultBranch;
    this.commands = new Commands(live, services.executions(), Optional.ofNullable(b.control));
    this.groups = new ConcurrencyGroups(b.ledger, commands);
    Optional.ofNullable(b.control).ifPresent(c -> c.listen(commands::answer));
    this.serving = b.jobQueue == null ? null : b.jobQueue.serve(b.hostName, b.hostLabels, b.maxParallelJobs, b.maxParallelJobsPerPipeline,
        new org.pipelinekit.core.engine.internal.Guests(services, planner, b.hostName));
    Orphans orphans = new Orphans(services, live, commands, groups, planner, globalListeners, Optional.ofNullable(b.leases), b.hostName);
    if (b.leases != null) {
      org.pipelinekit.core.spi.ExecutionLeases leases = b.leases;
      long every = Math.max(100, leases.duration().toMillis() / 3);
      timer.scheduleWithFixedDelay(() -> renewLeases(leases, b.hostName), 0, every, TimeUnit.MILLISECONDS);
    }
    if (b.takeOver != null && b.control != null) {
      orphans.takeOver();
      long every = b.takeOver.toMillis();
      timer.scheduleWithFixedDelay(() -> {
        try {
          b.once.run("take-over", b.takeOver, orphans::takeOver);
        } catch (RuntimeException e) {
          LOG.warn("looking for executions of stopped hosts failed: {}", e.getMessage());
        }
      }, every, every, TimeUnit.MILLISECONDS);
    } else {
      orphans.markInterrupted();
    }
    if (!b.retentionSweep.isZero()) {
      long every = b.retentionSweep.toMillis();
      timer.scheduleWithFixedDelay(() -> {
        try {
          b.once.run("retention-sweep", b.retentionSweep, () -> {
            int n = sweepRetention();
            if (n > 0) LOG.info("retention sweep deleted {} executions finished more than {} ago", n, logRetention);
          });
        } catch (RuntimeException e) {
          LOG.warn("retention sweep failed: {}", e.getMessage());
        }
      }, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Renews the leases of the executions this host runs; one another host took (this one stalled too long) is said in the log. */
  private void renewLeases(org.pipelinekit.core.spi.ExecutionLeases leases, String host) {
    try {
      for (String id : leases.renew(host, List.copyOf(live.keySet()))) {
        LOG.warn("execution {}: another host took it over (this host did not renew its lease in time); the runs may overlap", id);
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot renew the execution leases of host {}: {}", host, e.getMessage());
    }
  }

  private static String defaultHostName() {
    String name = System.getenv("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        name = "host";
      }
    }
    return name + "-" + ProcessHandle.current().pid();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Who may approve a stage of this executor's runs: its own approvers, its environment's in the file and the host's
   * environment's (as the engine checks a decision); empty when the stage does not wait for approval.
   */
  public List<String> approvers(org.pipelinekit.core.model.Stage stage) {
    return org.pipelinekit.core.engine.internal.EnvironmentRules.approval(stage, services.environments())
        .map(org.pipelinekit.core.model.Approval::approvers).orElse(List.of());
  }

  /** The host's environments (their definitions and deployment history), when the executor has them. */
  public Optional<org.pipelinekit.core.environment.EnvironmentStore> environments() {
    return services.environments();
  }

  /** Executions a previous host left running end INTERRUPTED; their logs and workspaces stay. */
  public StageRegistry registry() {
    return services.registry();
  }

  /**
   * Starts an execution and returns at once.
   *
   * @param parameters values of the pipeline's parameters; defaults fill in the rest
   * @throws org.pipelinekit.core.validate.PipelineValidationException when the pipeline has errors
   * @throws PipelineException {@code PARAMETERS_INVALID} naming each bad or missing parameter
   */
  public Execution execute(Pipeline pipeline, ExecutionTrigger trigger, Map<String, ?> parameters) {
    return execute(pipeline, trigger, parameters, null);
  }

  /**
   * Starts an execution with {@code listener} subscribed before anything happens, so it receives
   * every event, log lines included (a subscription made after {@link #execute} returns may miss
   * the first log lines, which are not journaled).
   */
  public Execution execute(Pipeline pipeline, ExecutionTrigger trigger, Map<String, ?> parameters, EventListener listener) {
    Objects.requireNonNull(pipeline, "pipeline");
    validator.validate(pipeline).orThrow();
    Map<String, Object> params = Parameters.resolve(pipeline, parameters);
    return launch(pipeline, trigger, params, Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), listener);
  }

  public Execution execute(Pipeline pipeline) {
    return execute(pipeline, ExecutionTrigger.manual(), Map.of());
  }

  private Execution launch(Pipeline pipeline, ExecutionTrigger trigger, Map<String, Object> params, Optional<String> rerunOf,
      Optional<String> rerunFrom, Map<String, LiveExecution.Reused> reused, Optional<String> copyWorkspace,
      @org.jspecify.annotations.Nullable EventListener listener) {
    trusted.ifPresent(t -> t.check(pipeline)); // before anything is stored or run: unsigned, untrusted or changed is refused
    for (org.pipelinekit.core.spi.Admission a : admissions) {
      Optional<String> why = a.refusal(pipeline, trigger);
      if (why.isPresent()) throw new PipelineException(ErrorCode.EXECUTION_REFUSED, why.get());
    }
    ExecutionPlan plan = planner.plan(pipeline);
    long number = services.executions().nextNumber(pipeline.id());
    String id = pipeline.id() + "-" + number;
    copyWorkspace.ifPresent(old -> copyRun(old, id));
    ExecutionHeader header = new ExecutionHeader(id, number, pipeline, trigger, params, services.clock().instant(), rerunOf, rerunFrom);
    services.executions().create(header);
    Optional<String> group = pipeline.concurrency().map(c -> ConcurrencyGroups.name(c, header));
    LiveExecution run = new LiveExecution(services, header, plan, reused, () -> {
      live.remove(id);
      group.ifPresent(g -> groups.startNext(g, id));
    });
    for (EventListener l : globalListeners) run.subscribe(l);
    if (listener != null) run.subscribe(listener);
    live.put(id, run);
    if (group.isPresent() && groups.admit(group.get(), id, pipeline.concurrency().get(), defaultQueueLimit)) {
      run.queued(group);
      return run;
    }
    run.start();
    return run;
  }

  /** A re-run starts from what the old execution left: its shared workspace, and the files its stages handed on. */
  private void copyRun(String oldId, String newId) {
    try {
      if (!services.workspace(oldId).equals(services.workspace(newId))) org.pipelinekit.core.files.FileTrees.copy(services.workspace(oldId), services.workspace(newId));
      services.handoffs().copy(oldId, newId);
    } catch (IOException e) {
      throw new PipelineException(ErrorCode.WORKSPACE_UNAVAILABLE, "cannot copy the workspace of execution " + oldId + " for its re-run: "
          + e.getMessage(), e);
    }
  }


  /** A live or stored execution. */
  public Optional<Execution> execution(String id) {
    LiveExecution run = live.get(id);
    if (run != null) return Optional.of(run);
    return services.executions().load(id).map(stored -> new StoredView(stored, services));
  }

  /** The execution as stored: its header and journal of events (all but log lines), for analytics. */
  public Optional<org.pipelinekit.core.spi.StoredExecution> stored(String executionId) {
    return services.executions().load(executionId);
  }

  /** Bytes the execution's logs take (-1 when the log store cannot tell). */
  public long logBytes(String executionId) {
    return services.logs().bytes(executionId);
  }

  /** Snapshots of a pipeline's executions, newest first. */
  public List<ExecutionSnapshot> executions(String pipelineId, int limit) {
    List<ExecutionSnapshot> out = new ArrayList<>();
    for (String id : services.executions().list(pipelineId)) {
      if (out.size() >= limit) break;
      execution(id).ifPresent(e -> out.add(e.snapshot()));
    }
    return out;
  }

  /** The stage's outputs in the pipeline's newest succeeded execution of the default branch (of the last 100), for gates. */
  private Map<String, String> baselineOutputs(String pipelineId, String stageId, String exceptExecutionId) {
    int looked = 0;
    for (String id : services.executions().list(pipelineId)) {
      if (id.equals(exceptExecutionId)) continue;
      if (++looked > 100) break;
      Optional<ExecutionSnapshot> s = execution(id).map(Execution::snapshot);
      if (s.isPresent() && s.get().status() == ExecutionStatus.SUCCEEDED
          && s.get().header().trigger().branch().filter(defaultBranch::equals).isPresent()) {
        return s.get().stages().containsKey(stageId) ? s.get().stage(stageId).outputs() : Map.of();
      }
    }
    return Map.of();
  }

  private static java.util.concurrent.Executor decorated(ExecutorService pool,
      java.util.function.@org.jspecify.annotations.Nullable UnaryOperator<Runnable> decorator) {
    return decorator == null ? pool : task -> pool.execute(decorator.apply(task));
  }

  /** Approves a stage waiting in WAITING_APPROVAL (on this host, or on the host that runs it). */
  public void approve(String executionId, String stageId, Principal who) {
    act(new ControlChannel.Command(executionId, ControlChannel.Kind.APPROVE, Optional.of(stageId), who.name(), List.copyOf(who.groups()),
        Optional.empty()));
  }

  /** Rejects a stage waiting for approval; it fails. */
  public void reject(String executionId, String stageId, Principal who, String comment) {
    act(new ControlChannel.Command(executionId, ControlChannel.Kind.REJECT, Optional.of(stageId), who.name(), List.copyOf(who.groups()),
        Optional.ofNullable(comment)));
  }

  /** Cancels a running execution, on this host or on the host that runs it; a finished one is left as it is. */
  public void cancel(String executionId, String reason) {
    act(new ControlChannel.Command(executionId, ControlChannel.Kind.CANCEL, Optional.empty(), "host", List.of(), Optional.of(reason)));
  }

  private void act(ControlChannel.Command c) {
    commands.act(c);
  }

  /** The execution to run again: it exists and has ended. */
  private ExecutionSnapshot ended(String executionId) {
    ExecutionSnapshot old = execution(executionId).map(Execution::snapshot)
        .orElseThrow(() -> new PipelineException(ErrorCode.EXECUTION_UNKNOWN, "execution " + executionId + " does not exist"));
    if (!old.status().isFinal()) {
      throw new PipelineException(ErrorCode.EXECUTION_RUNNING, "execution " + executionId + " is still " + old.status()
          + "; cancel it or wait for it to end before re-running it");
    }
    return old;
  }

  /**
   * Runs a finished execution again from {@code fromStage}: that stage and every stage after it
   * run; the stages before it keep their results and outputs, and the workspace is copied over.
   * Stages before it that did not succeed (interrupted, failed, cancelled) run again too.
   */
  public Execution rerun(String executionId, String fromStage) {
    return rerun(executionId, fromStage, ended(executionId).header().trigger().isTraced());
  }

  /** As {@link #rerun(String, String)}, with its command steps traced ({@code set -x}) or not. */
  public Execution rerun(String executionId, String fromStage, boolean trace) {
    ExecutionSnapshot old = ended(executionId);
    Pipeline pipeline = old.header().pipeline();
    if (pipeline.stage(fromStage).isEmpty()) {
      throw new PipelineException(ErrorCode.STAGE_UNKNOWN, "pipeline " + pipeline.id() + " has no stage '" + fromStage + "'; its stages are "
          + pipeline.stages().stream().map(Stage::id).toList());
    }
    Map<String, LiveExecution.Reused> reused = Reruns.reused(old, executionId, fromStage);
    return launch(pipeline, old.header().trigger().traced(trace), old.header().parameters(), Optional.of(executionId), Optional.of(fromStage),
        reused, Optional.of(executionId), null);
  }

  /**
   * Runs the stages of a finished execution that failed (failed, timed out, soft-failed, cancelled or interrupted) again,
   * with every stage after them; the stages that succeeded keep their results, outputs and files, as {@link #rerun} does.
   *
   * @throws PipelineException {@code NOTHING_FAILED} when every stage succeeded or was skipped
   */
  public Execution rerunFailed(String executionId) {
    return rerunFailed(executionId, ended(executionId).header().trigger().isTraced());
  }

  /** As {@link #rerunFailed(String)}, with its command steps traced ({@code set -x}) or not. */
  public Execution rerunFailed(String executionId, boolean trace) {
    ExecutionSnapshot old = ended(executionId);
    Pipeline pipeline = old.header().pipeline();
    java.util.function.Predicate<String> didNotSucceed = id -> {
      StageStatus st = old.stage(id).status();
      return st.countsAsFailure() || st == StageStatus.SOFT_FAILED || st == StageStatus.CANCELLED || st == StageStatus.INTERRUPTED;
    };
    // a stage a job generated is not in the pipeline: what generated it runs again (and generates it again)
    Map<String, String> generatedBy = new java.util.HashMap<>();
    services.executions().load(executionId).ifPresent(s -> s.events().forEach(e -> {
      if (e instanceof org.pipelinekit.core.run.ExecutionEvent.StagesAdded a) a.stageIds().forEach(id -> generatedBy.put(id, a.stageId()));
    }));
    java.util.Set<String> again = new java.util.LinkedHashSet<>();
    for (String id : old.stages().keySet()) {
      if (!didNotSucceed.test(id)) continue;
      String root = id;
      while (pipeline.stage(root).isEmpty() && generatedBy.containsKey(root)) root = generatedBy.get(root);
      if (pipeline.stage(root).isPresent()) again.add(root);
    }
    List<String> failed = pipeline.stages().stream().map(Stage::id).filter(again::contains).toList();
    if (failed.isEmpty()) {
      throw new PipelineException(ErrorCode.NOTHING_FAILED, "execution " + executionId + " has no failed stage to run again; re-run it"
          + " all, or from a stage");
    }
    return launch(pipeline, old.header().trigger().traced(trace), old.header().parameters(), Optional.of(executionId), Optional.of(failed.get(0)),
        Reruns.reused(old, executionId, failed), Optional.of(executionId), null);
  }

  /**
   * Deletes executions (journal, logs, workspace) that finished longer ago than the log retention
   * (90 days unless set). Returns how many were deleted.
   */
  public int sweepRetention() {
    Instant cutoff = services.clock().instant().minus(logRetention);
    int deleted = 0;
    for (String id : services.executions().ids()) {
      if (live.containsKey(id)) continue;
      Optional<StoredExecution> s = services.executions().load(id);
      if (s.isEmpty()) continue;
      ExecutionSnapshot snap = SnapshotBuilder.fold(s.get().header(), s.get().events());
      if (snap.status().isFinal() && snap.finishedAt().map(f -> f.isBefore(cutoff)).orElse(false)) {
        services.logs().delete(id);
        services.executions().delete(id);
        try {
          services.handoffs().delete(id);
        } catch (IOException e) {
          // left behind where they are kept; the execution is gone, so nothing reads them
        }
        Trees.delete(services.runRoot().resolve(id));
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * Hears the events of every execution that starts on this host from now on, as a {@link Builder#listener} does (for
   * parts made after the executor, such as pipeline-triggers' upstream triggers).
   */
  public void listen(EventListener listener) {
    globalListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Reads of every secret, for audits. */
  public List<SecretAudit.Entry> secretReads() {
    return services.audit().entries();
  }

  /** How many jobs hold a slot now, and how many wait for one. */
  public int runningJobs() {
    return services.slots().inUse();
  }

  /**
   * Waits up to {@code timeout} for the executions running now to end by themselves (a graceful shutdown: call it before
   * {@link #close()}, which cancels what still runs); true when they all ended.
   */
  public boolean awaitRunning(java.time.Duration timeout) {
    List<CompletableFuture<ExecutionSnapshot>> running = live.values().stream().map(LiveExecution::completion).toList();
    try {
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true; // ended, if not well
    }
  }

  /** Cancels every live execution, waits up to {@code grace} plus a second for them to end, then stops the threads. */
  @Override
  public void close() {
    if (serving != null) {
      try {
        serving.close(); // claim no more of the cluster's jobs
      } catch (Exception e) {
        LOG.warn("cannot stop taking jobs from the queue: {}", e.getMessage());
      }
    }
    List<CompletableFuture<ExecutionSnapshot>> ending = new ArrayList<>();
    for (LiveExecution run : live.values()) {
      run.cancel("the executor is shutting down");
      ending.add(run.completion());
    }
    try {
      CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
          .get(services.cancelGrace().toMillis() + services.postStepGrace().toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("some executions did not end before shutdown");
    }
    timer.shutdownNow();
    engineThreads.shutdown();
    deliveryThreads.shutdown();
    blockingThreads.shutdownNow();
    // a workspace copy or deletion under way ends before close returns: nothing of this executor writes files after it
    for (java.util.concurrent.ExecutorService pool : List.of(blockingThreads, engineThreads)) {
      try {
        if (!pool.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("some of the executor's threads were still busy after 5 s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c, e.getMessage());
      }
    }
  }


  /** Configures an executor. */
  public static final class Builder {
    private final List<Runner> runners = new ArrayList<>();
    private StageRegistry registry = StageRegistry.builtins();
    private PipelineValidator validator;
    private ExecutionStore executions;
    private LogStore logs;
    private SecretStore secrets;
    private SecretAudit audit;
    private org.pipelinekit.core.environment.@org.jspecify.annotations.Nullable EnvironmentStore environments;
    private final List<org.pipelinekit.core.spi.Admission> admissions = new ArrayList<>();
    private String defaultBranch = "main";
    private org.pipelinekit.core.secret.@org.jspecify.annotations.Nullable ProtectedBranches protectedBranches;
    private org.pipelinekit.core.sign.PipelineSignatures.@org.jspecify.annotations.Nullable Trusted trusted;
    private final List<JobInterceptor> jobInterceptors = new ArrayList<>();
    private final List<StepInterceptor> interceptors = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private @org.jspecify.annotations.Nullable EngineTimer engineTimer;
    private Path dataDir;
    private Path runRoot;
    private Path sharedWorkspace;
    private Path source;
    private @org.jspecify.annotations.Nullable ControlChannel control;
    private org.pipelinekit.core.spi.OncePerCluster once = org.pipelinekit.core.spi.OncePerCluster.LOCAL;
    private ConcurrencyLedger ledger = ConcurrencyLedger.inMemory();
    private @org.jspecify.annotations.Nullable Duration takeOver;
    private @org.jspecify.annotations.Nullable JobQueue jobQueue;
    private org.pipelinekit.core.spi.@org.jspecify.annotations.Nullable SourceProvider sourceProvider;
    private org.pipelinekit.core.spi.@org.jspecify.annotations.Nullable ExecutionLeases leases;
    private String hostName = defaultHostName();
    private java.util.Set<String> hostLabels = java.util.Set.of();
    private final List<AutoCloseable> ownedByBuilder = new ArrayList<>();
    private int keepFailedWorkspaces = 5;
    private Duration postStepGrace = Duration.ofSeconds(30);
    private int maxParallelJobs = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int maxParallelJobsPerPipeline = Integer.MAX_VALUE;
    private Duration cancelGrace = Duration.ofSeconds(1);
    private org.pipelinekit.core.spi.@org.jspecify.annotations.Nullable StageMemo memo;
    private final List<EventListener> globalListeners = new ArrayList<>();
    private int eventBuffer = 10_000;
    private Duration logRetention = Duration.ofDays(90);
    private int engineThreads = 2;
    private java.util.function.@org.jspecify.annotations.Nullable UnaryOperator<Runnable> taskDecorator;
    private int queueLimit = 100;
    private Duration retentionSweep = Duration.ofHours(1);

    private Builder() {}

    /** Adds a runner; the first that can run a step runs it. Without any, a {@code LocalProcessRunner}. */
    public Builder runner(Runner runner) {
      runners.add(Objects.requireNonNull(runner, "runner"));
      return this;
    }

    /** Adds every {@link Runner} {@link ServiceLoader} finds. */
    public Builder discoverRunners(ClassLoader loader) {
      ServiceLoader.load(Runner.class, loader).forEach(runners::add);
      return this;
    }

    public Builder registry(StageRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder validator(PipelineValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** Files for executions, logs, workspaces and the secret audit under this directory. */
    public Builder dataDirectory(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize(); // (steps get paths below it in their own directories)
      return this;
    }

    public Builder executionStore(ExecutionStore store) {
      this.executions = Objects.requireNonNull(store, "store");
      return this;
    }

    public Builder logStore(LogStore store) {
      this.logs = Objects.requireNonNull(store, "store");
      return this;
    }

    public Builder secrets(SecretStore secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      return this;
    }

    /**
     * Runs only pipelines signed by one of these keys, and unchanged since ({@code PipelineSignatures}): any other
     * execution or re-run is refused with {@code PIPELINE_NOT_SIGNED}, naming the keys expected, before anything runs.
     */
    public Builder requireSignatures(org.pipelinekit.core.sign.PipelineSignatures.Trusted trusted) {
      this.trusted = Objects.requireNonNull(trusted, "trusted");
      return this;
    }

    /**
     * The host's environments: a stage that targets one (by name) deploys only from the branches it allows, after the
     * approvals it requires (added to the stage's own), gets its variables and its secrets (stored as
     * {@code <NAME>__<SECRET>}, read as {@code secrets.<SECRET>}), and each deployment goes into its history.
     */
    public Builder environments(org.pipelinekit.core.environment.EnvironmentStore environments) {
      this.environments = Objects.requireNonNull(environments, "environments");
      return this;
    }

    /** The branch whose last succeeded run is a quality gate's baseline ({@code baseline.outputs.<name>}); default main. */
    public Builder defaultBranch(String branch) {
      this.defaultBranch = Objects.requireNonNull(branch, "branch");
      return this;
    }

    /** A rule that may refuse new executions (a spent budget, say); asked for each execution and re-run, in order. */
    public Builder admission(org.pipelinekit.core.spi.Admission admission) {
      admissions.add(Objects.requireNonNull(admission, "admission"));
      return this;
    }

    /**
     * Gives secrets only to runs of these branches and tags (globs): a run of another branch, of a pull request or with no
     * branch reads every secret as an empty string, its log says why, and the audit records the read as withheld.
     */
    public Builder protectedBranches(org.pipelinekit.core.secret.ProtectedBranches protectedBranches) {
      this.protectedBranches = Objects.requireNonNull(protectedBranches, "protectedBranches");
      return this;
    }

    public Builder secretAudit(SecretAudit audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /**
     * Where memoized stages ({@code memoize:}) record and find their results; without one such
     * stages simply run. pipeline-cache provides {@code CacheManager.stageMemo()}.
     */
    public Builder stageMemo(org.pipelinekit.core.spi.StageMemo memo) {
      this.memo = Objects.requireNonNull(memo, "memo");
      return this;
    }

    /**
     * A listener subscribed to every execution this executor starts, before it starts (metrics,
     * budget checks, audit). Like every subscriber it has a bounded buffer: one that falls behind is
     * dropped for that execution.
     */
    public Builder listener(EventListener listener) {
      globalListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds a step interceptor; they wrap each step in the order added. */
    public Builder interceptor(StepInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Adds a job interceptor (caches, artifacts); they wrap each attempt of each job, all its steps, in the order added. */
    public Builder interceptor(JobInterceptor interceptor) {
      jobInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** What executions read the time from (events, deadlines, retention); pair a virtual clock with {@link #timer}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where timeouts, retry back-offs and approval deadlines wait (default: real time on the executor's timer thread). */
    public Builder timer(EngineTimer timer) {
      this.engineTimer = Objects.requireNonNull(timer, "timer");
      return this;
    }

    /** Where workspaces go ({@code <dataDir>/runs}, else a temporary directory). */
    public Builder runDirectory(Path dir) {
      this.runRoot = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Where the files jobs hand on wait for the jobs after them (default: the runs directory). Hosts of a cluster that do
     * not share a runs directory give one store they all reach (pipeline-s3's {@code S3Handoffs}).
     */
    public Builder handoffs(org.pipelinekit.core.spi.Handoffs handoffs) {
      this.handoffs = Objects.requireNonNull(handoffs, "handoffs");
      return this;
    }

    private org.pipelinekit.core.spi.Handoffs handoffs;

    /**
     * Runs every execution in this one directory instead of a fresh workspace each (what a CLI
     * running the pipeline of the project it stands in wants). Executions then share files.
     */
    public Builder sharedWorkspace(Path dir) {
      this.sharedWorkspace = Objects.requireNonNull(dir, "dir").toAbsolutePath();
      return this;
    }

    /**
     * The files every execution starts from (a checkout, the directory a CLI runs in): copied into each job's workspace
     * (and into a shared workspace once), never written to. Without it, jobs start empty (a {@code git-clone} stage
     * fetches the source and hands it on).
     */
    public Builder source(Path dir) {
      this.source = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Where an execution's code comes from when its trigger names a repository and a commit (pipeline-triggers checks it
     * out of its mirror): made once per execution and copied into each job's workspace, instead of {@link #source}.
     */
    public Builder sourceProvider(org.pipelinekit.core.spi.SourceProvider provider) {
      this.sourceProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * How this host reaches the hosts it shares its stores with: cancels, approvals and rejections of executions that
     * another host runs are carried to it (and this host answers theirs). Without one, only this host's runs can be acted on.
     */
    public Builder controlChannel(ControlChannel channel) {
      this.control = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /**
     * Makes this host take over the executions of hosts that stopped (with a {@link #controlChannel}): every {@code every},
     * once between the hosts, the unfinished executions no host answers for are taken over here — the stages that ended
     * keep their results, the others run again, their jobs with a host-loss attempt. A host that starts does the same
     * instead of marking them INTERRUPTED. Off by default.
     */
    public Builder takeOverEvery(Duration every) {
      if (every.isNegative() || every.isZero()) throw new IllegalArgumentException("takeOverEvery must be positive, got " + every);
      this.takeOver = every;
      return this;
    }

    /**
     * Makes this host one of a cluster's: every job of its executions is offered to the cluster's job queue and run by
     * whichever host claims it (this one too: it claims as many as {@link #maxParallelJobs} lets it), and it runs the jobs
     * of the other hosts' executions. Its runs directory ({@link #runDirectory}) must then be one all hosts mount, since a
     * job hands its files on to jobs that may run elsewhere.
     */
    public Builder jobQueue(JobQueue queue) {
      this.jobQueue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /**
     * Who makes each execution's decisions between the hosts on the same stores: the host that holds its lease (renewed
     * here every third of its duration); with {@link #takeOverEvery}, the executions whose lease expired are taken over.
     * Without leases, a host is taken for stopped when it does not answer the control channel.
     */
    public Builder executionLeases(org.pipelinekit.core.spi.ExecutionLeases leases) {
      this.leases = Objects.requireNonNull(leases, "leases");
      return this;
    }

    /** The name this host goes by in the cluster (in logs, and in the job queue's claims); default: its host name and process id. */
    public Builder hostName(String name) {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("the host name must not be blank");
      this.hostName = name.strip();
      return this;
    }

    /**
     * What this host offers ({@code docker}, {@code os=linux}, {@code gpu}, anything): with a {@link #jobQueue} it claims
     * only the jobs whose stage's {@code runsOn} labels it has, all of them.
     */
    public Builder hostLabels(java.util.Collection<String> labels) {
      java.util.Set<String> set = new java.util.LinkedHashSet<>();
      for (String l : labels) {
        if (l == null || l.isBlank()) throw new IllegalArgumentException("a host label must not be blank, got " + labels);
        set.add(l.strip());
      }
      this.hostLabels = java.util.Set.copyOf(set);
      return this;
    }

    /**
     * Joins a cluster: its execution and log stores, control channel, concurrency ledger, once-per-cluster and job queue
     * (see {@link #jobQueue}), with take-over of stopped hosts' executions every 5 seconds unless {@link #takeOverEvery}
     * says otherwise.
     */
    public Builder cluster(Cluster cluster) {
      Objects.requireNonNull(cluster, "cluster");
      executionStore(cluster.executions());
      logStore(cluster.logs());
      controlChannel(cluster.control());
      concurrencyLedger(cluster.concurrencyLedger());
      oncePerCluster(cluster.oncePerCluster());
      jobQueue(cluster.jobQueue());
      executionLeases(cluster.executionLeases());
      if (takeOver == null) takeOver = Duration.ofSeconds(5);
      return this;
    }

    /**
     * Joins the cluster whose state is in this database (PostgreSQL, with pipeline-jdbc on the class path): {@link
     * #cluster} of the stores it opens there, closed with the executor (the pool stays the caller's).
     */
    public Builder dataSource(javax.sql.DataSource dataSource) {
      Objects.requireNonNull(dataSource, "dataSource");
      Cluster.Factory factory = java.util.ServiceLoader.load(Cluster.Factory.class, PipelineExecutor.class.getClassLoader()).findFirst()
          .orElseThrow(() -> new PipelineException(ErrorCode.STORE_UNAVAILABLE, "a DataSource needs pipeline-jdbc on the class path"
              + " (add the org.pipelinekit:pipeline-jdbc dependency)"));
      Cluster cluster = factory.open(dataSource);
      if (cluster instanceof AutoCloseable c) ownedByBuilder.add(c);
      return cluster(cluster);
    }

    /** Where concurrency groups are kept: this executor's memory (the default), or a ledger shared by hosts (pipeline-jdbc). */
    public Builder concurrencyLedger(ConcurrencyLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** How periodic work (the retention sweep) is shared with the other hosts on the same stores: once between them. */
    public Builder oncePerCluster(org.pipelinekit.core.spi.OncePerCluster once) {
      this.once = Objects.requireNonNull(once, "once");
      return this;
    }

    /** How many failed jobs' workspaces are kept for debugging, the newest (default 5); a succeeded job's is removed. */
    public Builder keepFailedWorkspaces(int count) {
      if (count < 0) throw new IllegalArgumentException("keepFailedWorkspaces must be zero or more, got " + count);
      this.keepFailedWorkspaces = count;
      return this;
    }

    /**
     * How long a step that runs after its job was cancelled or timed out ({@code when: always()} or {@code cancelled()})
     * may take before it is stopped too (default 30 s).
     */
    public Builder postStepGrace(Duration grace) {
      if (grace.isNegative()) throw new IllegalArgumentException("postStepGrace must not be negative, got " + grace);
      this.postStepGrace = grace;
      return this;
    }

    /** Jobs running at once across all executions (default: the number of CPUs, at least 2). */
    public Builder maxParallelJobs(int max) {
      if (max < 1) throw new IllegalArgumentException("maxParallelJobs must be 1 or more, got " + max);
      this.maxParallelJobs = max;
      return this;
    }

    /** Jobs of one pipeline running at once (default: no limit beyond the global one). */
    public Builder maxParallelJobsPerPipeline(int max) {
      if (max < 1) throw new IllegalArgumentException("maxParallelJobsPerPipeline must be 1 or more, got " + max);
      this.maxParallelJobsPerPipeline = max;
      return this;
    }

    /** How long a cancelled step may take to stop after the polite signal before it is killed (default 1 s). */
    public Builder cancelGracePeriod(Duration grace) {
      if (grace.isNegative()) throw new IllegalArgumentException("cancelGracePeriod must not be negative, got " + grace);
      this.cancelGrace = grace;
      return this;
    }

    /** Events one subscriber may fall behind before it is dropped (default 10,000). */
    public Builder eventBuffer(int events) {
      if (events < 1) throw new IllegalArgumentException("eventBuffer must be 1 or more, got " + events);
      this.eventBuffer = events;
      return this;
    }

    /** How long finished executions and their logs are kept before {@link #sweepRetention()} deletes them (default 90 days). */
    public Builder logRetention(Duration retention) {
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("logRetention must be positive, got " + retention);
      }
      this.logRetention = retention;
      return this;
    }

    /** How often finished executions past the retention are deleted in the background (default hourly; zero: never). */
    public Builder retentionSweepInterval(Duration interval) {
      if (interval.isNegative()) throw new IllegalArgumentException("retentionSweepInterval must not be negative, got " + interval);
      this.retentionSweep = interval;
      return this;
    }

    /** Threads that run the engine's bookkeeping (default 2); steps run on the runner's own. */
    /**
     * Wraps every task the engine hands to its threads (its bookkeeping, event delivery, blocking work), as it is
     * handed over: to carry context across threads, or to know when the engine has nothing left to do (the
     * simulation behind dry runs and the test kit counts tasks handed over and not yet finished).
     */
    public Builder taskDecorator(java.util.function.UnaryOperator<Runnable> decorator) {
      this.taskDecorator = java.util.Objects.requireNonNull(decorator, "decorator");
      return this;
    }

    public Builder engineThreads(int threads) {
      if (threads < 1) throw new IllegalArgumentException("engineThreads must be 1 or more, got " + threads);
      this.engineThreads = threads;
      return this;
    }

    /** Pending executions one concurrency group keeps when the pipeline sets no queueLimit (default 100). */
    public Builder concurrencyQueueLimit(int limit) {
      if (limit < 0) throw new IllegalArgumentException("concurrencyQueueLimit must be zero or more, got " + limit);
      this.queueLimit = limit;
      return this;
    }

    /** Refuses two runners or two interceptors with one id (which one ran, or which to remove, could not be told). */
    public PipelineExecutor build() {
      unique("runner", runners.stream().map(r -> Map.entry(r.id(), r.getClass().getName())).toList());
      unique("interceptor", Stream.concat(jobInterceptors.stream().map(i -> Map.entry(i.id(), i.getClass().getName())),
          interceptors.stream().map(i -> Map.entry(i.id(), i.getClass().getName()))).toList());
      return new PipelineExecutor(this);
    }

    private static void unique(String what, List<Map.Entry<String, String>> idAndClass) {
      Map<String, String> seen = new HashMap<>();
      for (Map.Entry<String, String> e : idAndClass) {
        String before = seen.putIfAbsent(e.getKey(), e.getValue());
        if (before != null) {
          throw new IllegalStateException("two " + what + "s have the id '" + e.getKey() + "': " + before + " and " + e.getValue()
              + "; give each its own id (or add it once)");
        }
      }
    }
  }
}
