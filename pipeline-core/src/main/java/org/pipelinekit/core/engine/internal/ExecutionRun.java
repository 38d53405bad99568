package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.EngineTimer;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.RetryPolicy;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.plan.MatrixCell;
import org.pipelinekit.core.plan.PlannedStage;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.CancelRequested;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionStarted;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageReused;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.spi.JobExit;
import org.pipelinekit.core.spi.JobQueue;

/**
 * One live execution: the scheduler of its stages and jobs. It decides when a stage runs (DAG readiness,
 * {@link Conditions}, {@link Approvals}), gives its jobs slots, starts each attempt ({@link JobAttempt}), re-queues a
 * failed attempt the retry policy covers, cancels, and enforces the pipeline's timeout. Every change of state runs on
 * the execution's {@link SerialExecutor} ("the actor"); runner callbacks, timers and slot grants only post tasks to
 * it, so no thread ever waits for a stage. {@link LiveExecution} is its face to callers.
 */
final class ExecutionRun {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecutionRun.class);
  private final EngineServices services;
  private final ExecutionHeader header;
  private final EventHub hub;
  private final SerialExecutor actor;
  private final SecretMasker masker = new SecretMasker();
  private final RunContexts contexts = new RunContexts(this);
  private final Approvals approvals = new Approvals(this);
  private final JobWorkspaces workspaces;
  private final Map<String, StageState> stages = new LinkedHashMap<>();
  private final Map<String, List<StageState>> dependents = new HashMap<>();
  private final Map<String, LiveExecution.Reused> reused;
  private final Runnable onFinished;
  private final CompletableFuture<ExecutionSnapshot> completion = new CompletableFuture<>();
  private final Path workspace;
  /** The pipeline as it runs: the header's, with the stages its jobs generated. */
  private Pipeline pipeline;
  private int finalStages;
  private EngineTimer.@Nullable Scheduled pipelineTimer;
  private boolean started;
  private boolean cancelled;
  private boolean timedOut;
  private @Nullable String cancelReason;
  private boolean finished;
  /** Why the run's data could not be stored (a full disk, a read-only directory): the run stops and ends FAILED saying so. */
  private final AtomicReference<@Nullable String> storageFailure = new AtomicReference<>();

  ExecutionRun(EngineServices services, ExecutionHeader header, ExecutionPlan plan, Map<String, LiveExecution.Reused> reused,
      List<ExecutionEvent> earlier, Runnable onFinished) {
    this.services = services;
    this.header = header;
    this.reused = reused;
    this.onFinished = onFinished;
    this.hub = new EventHub(header, earlier, services.executions(), services.clock(), services.delivery(), services.eventBuffer());
    hub.onStoreFailure(this::storageFailed);
    hub.sanitizer(masker::mask); // nothing leaves the engine with a secret in it: journal, listeners, the API
    this.actor = new SerialExecutor(services.engine());
    this.workspace = services.workspace(header.id());
    this.pipeline = header.pipeline();
    this.workspaces = new JobWorkspaces(this);
    for (PlannedStage ps : plan.stages()) {
      StageLog log = new StageLog(header.id(), ps.id(), services.logs(), hub, services.clock(), masker,
          () -> storageFailure.get() == null, this::storageFailed);
      if (!earlier.isEmpty() && !services.logs().numbersLines()) log.continueAfter(services.logs().count(header.id(), ps.id())); // lines another host wrote stay
      stages.put(ps.id(), new StageState(ps, log));
    }
    for (Stage s : header.pipeline().stages()) {
      StageState st = stages.get(s.id());
      st.stage = s;
      st.templated = StageRendering.templated(s);
    }
    for (StageState s : stages.values()) {
      for (String need : new LinkedHashSet<>(s.stage.needs())) {
        dependents.computeIfAbsent(need, k -> new ArrayList<>()).add(s);
      }
    }
    for (ExecutionEvent e : earlier) { // stages generated before this host took the execution (or its job) over
      if (e instanceof ExecutionEvent.StagesAdded a && stages.containsKey(a.stageId())) {
        Optional<String> refused = addGenerated(stages.get(a.stageId()), List.of(a.fragment()), false);
        refused.ifPresent(why -> LOG.warn("execution {}: the stages {} generated no longer fit the pipeline: {}", header.id(), a.stageId(), why));
      }
    }
  }

  // ---- start ----

  void startNow() {
    if (started || finished) return;
    started = true;
    try {
      makeWorkspace();
    } catch (IOException e) {
      hub.publish((seq, t) -> new ExecutionStarted(id(), seq, t));
      for (StageState s : stages.values()) finishStage(s, StageStatus.FAILED, Optional.of("cannot create the workspace: " + e.getMessage()));
      return;
    }
    hub.publish((seq, t) -> new ExecutionStarted(id(), seq, t));
    armPipelineTimeout();
    countNeeds();
    for (StageState s : stages.values()) {
      LiveExecution.Reused r = reused.get(s.id());
      if (r != null) {
        regenerate(s, r.fromExecutionId()); // (while it is not final yet: the stages it generated wait for it)
        s.status = r.status();
        s.outputs = r.outputs();
        hub.publish((seq, t) -> new StageReused(id(), seq, t, s.id(), r.fromExecutionId(), r.status(), r.outputs()));
        stageEnded(s);
      }
    }
    decideReady();
  }

  private void armPipelineTimeout() {
    header.pipeline().timeout().ifPresent(limit -> pipelineTimer = services.timer().schedule(limit, () -> actor.execute(() -> {
      if (!finished) {
        timedOut = true;
        cancelNow("the pipeline timed out after " + Durations.format(limit), true);
      }
    })));
  }

  // ---- stages: readiness, the decision, start and end ----

  private void stageEnded(StageState s) {
    finalStages++;
    for (StageState d : dependents.getOrDefault(s.id(), List.of())) {
      if (d.status == StageStatus.PENDING) {
        d.pendingNeeds--;
        if (d.pendingNeeds == 0 && started) decide(d);
      }
    }
  }

  private void decide(StageState s) {
    s.deciding = true;
    Conditions.Decision d = Conditions.decide(s.stage, n -> stages.get(n).status, () -> contexts.of(s, MatrixCell.NONE, Map.of(), workspaces.base()),
        cancelled, cancelReason);
    if (d.end().isPresent()) {
      finishStage(s, d.end().get(), Optional.of(d.reason()));
      return;
    }
    // the environment it deploys to: the branches it allows, the approvals it requires (the host's and the file's)
    Optional<String> refused = EnvironmentRules.refusal(s.stage, services.environments(), header.trigger());
    if (refused.isPresent()) {
      finishStage(s, StageStatus.FAILED, refused);
      return;
    }
    Optional<org.pipelinekit.core.model.Approval> approval = EnvironmentRules.approval(s.stage, services.environments());
    if (approval.isPresent()) {
      approvals.request(s, approval.get());
    } else {
      startAfterWait(s);
    }
  }

  /** Starts the stage, after its environment's wait timer when it has one (the stage stays pending meanwhile). */
  void startAfterWait(StageState s) {
    Optional<java.time.Duration> wait = EnvironmentRules.definition(s.stage, services.environments())
        .flatMap(org.pipelinekit.core.environment.EnvironmentDefinition::waitTimer);
    if (wait.isEmpty()) {
      startStage(s);
      return;
    }
    s.status = StageStatus.PENDING;
    s.log.append(s.id(), 0, "waiting " + Durations.format(wait.get()) + " before deploying to " + s.stage.environment().get().name()
        + " (its wait timer)");
    s.waitTimer = services.timer().schedule(wait.get(), () -> actor.execute(() -> {
      s.waitTimer = null;
      if (s.status.isFinal()) return;
      if (cancelled) finishStage(s, StageStatus.CANCELLED, Optional.ofNullable(cancelReason));
      else startStage(s);
    }));
  }

  void startStage(StageState s) {
    s.status = StageStatus.RUNNING;
    hub.publish((seq, t) -> new StageStarted(id(), seq, t, s.id()));
    for (MatrixCell cell : s.planned.cells()) {
      JobState j = new JobState(s, cell);
      s.jobs.add(j);
      if (resumeAdopted(j)) continue;
      Integer before = s.attemptsBefore.get(j.jobId);
      if (before != null && before > 0) { // taken over from a host that stopped: the next attempt is a host-loss one
        j.attempt = before;
        j.log("↻ the host that ran attempt " + before + " stopped; the job runs again here");
      }
    }
    launchJobs(s);
  }

  /**
   * Goes on with an execution another host ran until it stopped: the stages that ended keep their results and
   * outputs (no event is repeated), the others are decided again — a stage that was running starts again, its jobs
   * with the next attempt number (a host-loss attempt: it runs even when the retry limit is used up, and it uses up an
   * attempt of the limit for the retries after it) — and the pipeline timeout starts anew. On the actor.
   */
  void resumeNow(ExecutionSnapshot before) {
    if (started || finished) return;
    started = true;
    try {
      makeWorkspace();
    } catch (IOException e) {
      LOG.warn("execution {}: cannot create its workspace directory: {}", id(), e.getMessage());
    }
    armPipelineTimeout();
    countNeeds();
    adopted = adoptOffered();
    for (StageState s : stages.values()) before.stage(s.id()).jobs().forEach(j -> s.attemptsBefore.put(j.jobId(), j.attempts()));
    for (StageState s : stages.values()) { // (attempts first: a stage that ends here lets the ones after it start at once)
      org.pipelinekit.core.engine.StageRun was = before.stage(s.id());
      if (was.status().isFinal()) {
        s.status = was.status();
        s.outputs = was.outputs();
        stageEnded(s);
      }
    }
    decideReady();
  }

  private void makeWorkspace() throws IOException {
    PrivateFiles.createDirectories(workspace.getParent()); // the workspaces directory: others may not look in
    Files.createDirectories(workspace);
  }

  private void countNeeds() {
    for (StageState s : stages.values()) s.pendingNeeds = new HashSet<>(s.stage.needs()).size(); // (generated needs included)
  }

  private void decideReady() {
    for (StageState s : stages.values()) {
      if (s.status == StageStatus.PENDING && s.pendingNeeds == 0 && !s.deciding) decide(s);
    }
    checkFinished();
  }

  private void completeStage(StageState s) {
    s.outputs = s.jobOutputs();
    StageStatus result = s.resultOfJobs();
    List<String> generated = s.jobs.stream().map(j -> j.generated).filter(java.util.Objects::nonNull).toList();
    if (generated.isEmpty() || result != StageStatus.SUCCEEDED || cancelled) {
      finishStage(s, result, s.reasonOfJobs(cancelReason));
      return;
    }
    Optional<String> refused = addGenerated(s, generated, true);
    if (refused.isPresent()) {
      s.log.append(s.id(), 0, "✗ the stages it generated are refused: " + refused.get());
      finishStage(s, StageStatus.FAILED, Optional.of("the stages it generated are refused: " + refused.get()));
      return;
    }
    finishStage(s, result, Optional.empty());
    decideReady(); // (generated stages that need nothing still pending)
  }

  /** A stage reused from an earlier execution generates there what it generated then (from that execution's journal). */
  private void regenerate(StageState s, String fromExecution) {
    Optional<org.pipelinekit.core.spi.StoredExecution> old;
    try {
      old = services.executions().load(fromExecution);
    } catch (RuntimeException e) {
      LOG.warn("execution {}: cannot read {} for the stages {} generated there: {}", id(), fromExecution, s.id(), e.getMessage());
      return;
    }
    old.ifPresent(o -> o.events().stream()
        .filter(e -> e instanceof ExecutionEvent.StagesAdded a && a.stageId().equals(s.id()))
        .map(e -> ((ExecutionEvent.StagesAdded) e).fragment())
        .forEach(fragment -> addGenerated(s, List.of(fragment), true)
            .ifPresent(why -> s.log.append(s.id(), 0, "✗ the stages it generated in " + fromExecution + " no longer fit: " + why))));
  }

  /**
   * Adds the stages {@code generator}'s jobs generated, before it ends: planned as part of the pipeline with them, each
   * waiting for its needs, and every stage still pending that needs {@code generator} waiting for them too. Nothing is
   * added when the whole is not valid; the reason is returned.
   */
  private Optional<String> addGenerated(StageState generator, List<String> texts, boolean live) {
    GeneratedStages.Result r = GeneratedStages.add(pipeline, generator.id(), texts, services.registry());
    if (r.refusal().isPresent()) return r.refusal();
    Pipeline combined = r.combined().orElseThrow();
    org.pipelinekit.core.plan.ExecutionPlan plan;
    try {
      plan = org.pipelinekit.core.plan.ExecutionPlanner.builder().build().plan(combined);
    } catch (RuntimeException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
    List<String> ids = r.added().stream().map(Stage::id).toList();
    pipeline = combined;
    for (org.pipelinekit.core.plan.PlannedStage ps : plan.stages()) {
      if (!ids.contains(ps.id())) continue;
      StageLog log = new StageLog(header.id(), ps.id(), services.logs(), hub, services.clock(), masker,
          () -> storageFailure.get() == null, this::storageFailed);
      StageState st = new StageState(ps, log);
      st.stage = combined.stage(ps.id()).orElseThrow();
      st.templated = StageRendering.templated(st.stage);
      Set<String> needs = new LinkedHashSet<>(st.stage.needs());
      st.pendingNeeds = (int) needs.stream().filter(n -> !stages.get(n).status.isFinal()).count();
      for (String need : needs) dependents.computeIfAbsent(need, k -> new ArrayList<>()).add(st);
      stages.put(ps.id(), st);
    }
    for (StageState d : new ArrayList<>(dependents.getOrDefault(generator.id(), List.of()))) {
      if (ids.contains(d.id()) || d.status != StageStatus.PENDING || d.deciding) continue;
      List<String> more = new ArrayList<>(d.stage.needs());
      more.addAll(ids);
      d.stage = d.stage.toBuilder().clearNeeds().needs(more.toArray(String[]::new)).build();
      d.pendingNeeds += ids.size();
      for (String id : ids) dependents.computeIfAbsent(id, k -> new ArrayList<>()).add(d);
    }
    if (!live) return Optional.empty();
    generator.log.append(generator.id(), 0, "+ generated " + ids.size() + (ids.size() == 1 ? " stage: " : " stages: ")
        + String.join(", ", ids));
    hub.publish((seq, t) -> new ExecutionEvent.StagesAdded(id(), seq, t, generator.id(), ids, r.fragment()));
    return Optional.empty();
  }

  void finishStage(StageState s, StageStatus status, Optional<String> reason) {
    if (s.status.isFinal()) return;
    if (s.approvalTimer != null) s.approvalTimer.cancel();
    s.status = status;
    EnvironmentRules.record(s, status, services, header, stages.values());
    Map<String, String> outputs = Map.copyOf(s.outputs);
    hub.publish((seq, t) -> new StageFinished(id(), seq, t, s.id(), status, reason, outputs));
    stageEnded(s);
    checkFinished();
  }

  // ---- jobs: slots, attempts, retries, fail-fast ----

  private void launchJobs(StageState s) {
    int limit = s.stage.matrix().flatMap(Matrix::maxParallel).orElse(Integer.MAX_VALUE);
    for (JobState j : s.jobs) {
      if (s.active >= limit) break;
      if (j.status == StageStatus.PENDING && !j.queued) {
        s.active++;
        queueJob(j);
      }
    }
  }

  private void queueJob(JobState j) {
    if (services.jobQueue().isPresent()) {
      offerJob(j, services.jobQueue().get());
      return;
    }
    j.queued = true;
    j.waiter = services.slots().acquire(header.pipelineId(), () -> actor.execute(() -> slotGranted(j)));
  }

  private void slotGranted(JobState j) {
    j.waiter = null;
    j.holdsSlot = true;
    if (cancelled || j.cancelRequested) {
      finishJob(j, StageStatus.CANCELLED, Optional.empty(), Optional.of(j.cancelReason(cancelReason)));
      return;
    }
    JobAttempt.start(this, j);
  }

  /** The end of a job attempt's chain: the job ends, or (for a failure the stage's retry policy covers) is queued again. */
  void attemptEnded(JobState j, JobExit exit) {
    if (guest != null) {
      guest.ended(j, exit, true);
      return;
    }
    switch (exit.result()) {
      case SUCCEEDED, REUSED -> {
        j.outputs = j.attemptOutputs;
        finishJob(j, exit.result() == JobExit.Result.REUSED ? StageStatus.CACHED : StageStatus.SUCCEEDED, Optional.of(0), exit.reason());
      }
      case CANCELLED -> finishJob(j, StageStatus.CANCELLED, exit.exitCode(), exit.reason());
      default -> attemptFailed(j, exit, true);
    }
  }

  /** A failed, errored or timed-out attempt: retried after the back-off (the slot released meanwhile) if the policy says so. */
  void attemptFailed(JobState j, JobExit exit, boolean retryable) {
    if (guest != null) {
      guest.ended(j, exit, retryable);
      return;
    }
    RetryOn kind = switch (exit.result()) {
      case TIMED_OUT -> RetryOn.TIMEOUT;
      case FAILED -> RetryOn.EXIT_CODE;
      default -> RetryOn.RUNNER_ERROR;
    };
    String reason = exit.reason().orElse(exit.result().name());
    RetryPolicy retry = j.stage.planned.settings().retry();
    if (retryable && !cancelled && !j.cancelRequested && retry.retries(kind, exit.exitCode().orElse(-1), j.attempt)) {
      Duration delay = retry.backoff().delay(j.attempt);
      int attempt = j.attempt;
      Map<String, String> outputs = Map.copyOf(j.attemptOutputs);
      hub.publish((seq, t) -> new JobRetrying(id(), seq, t, j.stage.id(), j.jobId, attempt, delay, reason, outputs));
      j.log("↻ attempt " + attempt + " failed (" + reason + "); retrying in " + Durations.format(delay));
      releaseSlot(j);
      j.status = StageStatus.PENDING;
      j.retryTimer = services.timer().schedule(delay, () -> actor.execute(() -> {
        j.retryTimer = null;
        if (cancelled || j.cancelRequested) {
          finishJob(j, StageStatus.CANCELLED, Optional.empty(), Optional.of(j.cancelReason(cancelReason)));
        } else {
          queueJob(j);
        }
      }));
      return;
    }
    j.outputs = j.attemptOutputs;
    finishJob(j, kind == RetryOn.TIMEOUT ? StageStatus.TIMED_OUT : StageStatus.FAILED, exit.exitCode(), Optional.of(reason));
  }

  void finishJob(JobState j, StageStatus requested, Optional<Integer> exitCode, Optional<String> requestedReason) {
    if (j.status.isFinal()) return;
    String storage = storageFailure.get();
    boolean storageStopped = storage != null && requested == StageStatus.CANCELLED;
    StageStatus status = storageStopped ? StageStatus.FAILED : requested;
    Optional<String> reason = storageStopped ? Optional.of(storage) : requestedReason;
    if (j.retryTimer != null) j.retryTimer.cancel();
    if (j.waiter != null) {
      if (!j.waiter.cancel()) j.holdsSlot = true; // granted meanwhile; the grant task will find the job final
      j.waiter = null;
    }
    releaseSlot(j);
    j.status = status;
    j.reason = reason;
    j.exitCode = exitCode;
    StageState s = j.stage;
    int attempt = Math.max(j.attempt, 1);
    Map<String, String> outputs = Map.copyOf(j.outputs);
    hub.publish((seq, t) -> new JobFinished(id(), seq, t, s.id(), j.jobId, attempt, status, exitCode, reason, outputs));
    if (j.queued) s.active--;
    if (status.countsAsFailure() && s.stage.matrix().map(Matrix::failFast).orElse(true) && s.jobs.size() > 1 && !s.failFast) {
      s.failFast = true;
      for (JobState other : s.jobs) {
        if (other != j && !other.status.isFinal()) {
          other.cancelRequested = true;
          other.cancelNote = "cancelled because " + j.jobId + " failed (fail-fast)";
          stopJob(other, StageStatus.CANCELLED, other.cancelNote);
        }
      }
    }
    if (!cancelled && !s.failFast) {
      launchJobs(s);
    } else {
      for (JobState other : s.jobs) {
        if (!other.status.isFinal() && !other.queued) {
          finishJob(other, StageStatus.CANCELLED, Optional.empty(), Optional.of(other.cancelReason(cancelReason)));
        }
      }
    }
    if (s.jobs.stream().allMatch(x -> x.status.isFinal()) && !s.status.isFinal()) {
      completeStage(s);
    }
  }

  /** Stops a job that was asked to end: its running step is stopped (the attempt then ends), a waiting job ends now. */
  private void stopJob(JobState j, StageStatus status, String reason) {
    if (j.remote != null) {
      stopRemote(j, status, reason, false);
    } else if (j.current != null) {
      j.stopCurrent(services.cancelGrace());
    } else if (!j.queued || j.waiter != null || j.retryTimer != null) {
      finishJob(j, status, Optional.empty(), Optional.of(reason));
    }
  }

  private void releaseSlot(JobState j) {
    if (j.holdsSlot) {
      j.holdsSlot = false;
      services.slots().release(header.pipelineId());
    }
  }

  // ---- jobs on the cluster's job queue: offered here, run by whichever host claims them ----

  /** Offers the job's next attempt to the hosts of the cluster; what becomes of it comes back through the watcher. */
  private void offerJob(JobState j, JobQueue queue) {
    j.queued = true;
    j.attempt++;
    j.attemptOutputs = new LinkedHashMap<>();
    int attempt = j.attempt;
    JobQueue.Ticket ticket = new JobQueue.Ticket(id(), header.pipelineId(), j.stage.id(), j.jobId, attempt, Set.copyOf(j.stage.stage.runsOn()));
    try {
      j.remote = queue.offer(ticket, watcher(() -> j, attempt));
    } catch (RuntimeException e) {
      attemptFailed(j, JobExit.error("cannot queue the job: " + e.getMessage()), true);
    }
  }

  /** Hears what becomes of an offered attempt, on the actor; {@code job} is the job it is for (none: ignored). */
  private JobQueue.Watcher watcher(java.util.function.Supplier<@Nullable JobState> job, int attempt) {
    return new JobQueue.Watcher() {
      @Override
      public void claimed(String host) {
        onActor(j -> remoteClaimed(j, attempt, host));
      }

      @Override
      public void finished(String host, JobQueue.Outcome outcome) {
        onActor(j -> remoteEnded(j, attempt, host, outcome));
      }

      @Override
      public void lost(String host) {
        onActor(j -> remoteLost(j, attempt, host));
      }

      private void onActor(java.util.function.Consumer<JobState> step) {
        actor.execute(() -> {
          JobState j = job.get();
          if (j != null) step.accept(j);
        });
      }
    };
  }

  private void remoteClaimed(JobState j, int attempt, String host) {
    if (j.attempt != attempt || j.status != StageStatus.PENDING) return;
    j.status = StageStatus.RUNNING;
    StageState s = j.stage;
    hub.publish((seq, t) -> new JobStarted(id(), seq, t, s.id(), j.jobId, j.cell.values(), attempt));
  }

  /** The attempt ended on the host that ran it: its step events are journaled here, then the job ends or is retried. */
  private void remoteEnded(JobState j, int attempt, String host, JobQueue.Outcome outcome) {
    if (j.attempt != attempt || j.status.isFinal()) return;
    remoteClaimed(j, attempt, host);
    j.remote = null;
    for (ExecutionEvent e : outcome.events()) hub.publish((seq, t) -> Relay.renumber(e, seq));
    j.attemptOutputs = new LinkedHashMap<>(outcome.outputs());
    if (outcome.retryable()) {
      attemptEnded(j, outcome.exit());
    } else {
      attemptFailed(j, outcome.exit(), false);
    }
  }

  /**
   * The host that ran the attempt stopped renewing its claim (it died): the job runs again as a host-loss attempt —
   * recorded as a retry, numbered as the next attempt, so it counts against the retry policy for the retries after it.
   */
  private void remoteLost(JobState j, int attempt, String host) {
    if (j.attempt != attempt || j.status.isFinal()) return;
    j.remote = null;
    String reason = "host " + host + " stopped while it ran attempt " + attempt;
    hub.publish((seq, t) -> new JobRetrying(id(), seq, t, j.stage.id(), j.jobId, attempt, Duration.ZERO, reason));
    j.log("↻ " + reason + "; the job runs again as attempt " + (attempt + 1));
    j.status = StageStatus.PENDING;
    if (cancelled || j.cancelRequested) {
      finishJob(j, StageStatus.CANCELLED, Optional.empty(), Optional.of(j.cancelReason(cancelReason)));
    } else {
      queueJob(j);
    }
  }

  /** Stops an offered attempt: withdrawn while no host claimed it (the job ends here), else stopped by its host. */
  private void stopRemote(JobState j, StageStatus status, String reason, boolean timeout) {
    JobQueue.Offer offer = j.remote;
    boolean withdrawn;
    try {
      withdrawn = offer.cancel(reason, timeout);
    } catch (RuntimeException e) {
      LOG.warn("execution {}: cannot ask for job {} to stop: {}", id(), j.jobId, e.getMessage());
      return;
    }
    if (withdrawn) {
      j.remote = null;
      finishJob(j, status, Optional.empty(), Optional.of(reason));
    }
  }

  /**
   * The attempts of the running stages that the host before this one offered, by stage/job: watched from here (a claimed
   * one goes on where it runs; one that ended while no host watched reports its end now). Jobs with none start as usual.
   */
  private Map<String, JobQueue.Adopted> adoptOffered() {
    JobQueue queue = services.jobQueue().orElse(null);
    if (queue == null) return Map.of();
    Map<String, JobQueue.Adopted> offered = new HashMap<>();
    try {
      for (JobQueue.Adopted a : queue.adopt(id(), t -> watcher(() -> adoptedJobs.get(t.stageId() + "/" + t.jobId()), t.attempt()))) {
        offered.put(a.ticket().stageId() + "/" + a.ticket().jobId(), a);
      }
    } catch (RuntimeException e) {
      LOG.warn("execution {}: cannot read the jobs its host offered ({}); its running stages start again", id(), e.getMessage());
    }
    return offered;
  }

  /** Jobs adopted from the host before this one, by stage/job (filled as their stages start again), and their attempts. */
  private final Map<String, JobState> adoptedJobs = new HashMap<>();
  private Map<String, JobQueue.Adopted> adopted = Map.of();

  /** Whether the job's attempt was adopted from the host before (then it goes on where it is, not from the start). */
  private boolean resumeAdopted(JobState j) {
    JobQueue.Adopted a = adopted.get(j.stage.id() + "/" + j.jobId);
    if (a == null) return false;
    j.attempt = a.ticket().attempt();
    j.queued = true;
    j.remote = a.offer();
    if (a.state() == JobQueue.State.CLAIMED) j.status = StageStatus.RUNNING;
    j.stage.active++;
    adoptedJobs.put(j.stage.id() + "/" + j.jobId, j);
    return true;
  }

  // ---- a guest run: one attempt of a job another host's scheduler offered, run here ----

  /** Where a guest run's attempt ends: reported to the scheduler, not decided here. */
  interface Guest {
    void ended(JobState j, JobExit exit, boolean retryable);
  }

  private @Nullable Guest guest;

  /**
   * Runs the claimed attempt here as a guest of its scheduler: the stages that ended keep their outputs (for the
   * expressions and inputs of this one), the job's attempt runs as on its own host, and its end — exit, outputs and the
   * events it made — completes {@code done} instead of moving the run on. On the actor.
   */
  void runGuest(String host, JobQueue.Ticket ticket, ExecutionSnapshot before, List<ExecutionEvent> relayed, CompletableFuture<JobQueue.Outcome> done,
      java.util.function.Consumer<JobQueue.Stop> stops) {
    started = true;
    StageState s = stages.get(ticket.stageId());
    JobState job = null;
    if (s != null) {
      for (MatrixCell cell : s.planned.cells()) {
        JobState j = new JobState(s, cell);
        s.jobs.add(j);
        if (j.jobId.equals(ticket.jobId())) job = j;
      }
    }
    if (job == null) {
      done.complete(new JobQueue.Outcome(JobExit.error("the pipeline has no job " + ticket.jobId() + " in stage " + ticket.stageId()), false,
          Map.of(), List.of()));
      return;
    }
    for (StageState other : stages.values()) {
      org.pipelinekit.core.engine.StageRun was = before.stage(other.id());
      if (was.status().isFinal()) {
        other.status = was.status();
        other.outputs = was.outputs();
      }
    }
    s.status = StageStatus.RUNNING;
    guest = (j, exit, retryable) -> {
      Map<String, String> outputs;
      synchronized (j) {
        outputs = Map.copyOf(j.attemptOutputs);
      }
      done.complete(new JobQueue.Outcome(exit, retryable, outputs, List.copyOf(relayed)));
    };
    JobState stopped = job;
    stops.accept((reason, timeout) -> actor.execute(() -> {
      if (cancelled) return;
      cancelled = true; // what the attempt's steps check: the ones after this stop do not start
      cancelReason = reason;
      timedOut = timeout;
      stopped.cancelRequested = true;
      stopped.stopCurrent(services.cancelGrace());
    }));
    try {
      makeWorkspace();
    } catch (IOException e) {
      LOG.warn("execution {}: cannot create its workspace directory: {}", id(), e.getMessage());
    }
    s.log.append(job.jobId, ticket.attempt(), "runs on host " + host);
    job.attempt = ticket.attempt() - 1;
    job.queued = true;
    JobAttempt.start(this, job);
  }

  // ---- the end, cancel ----

  private void checkFinished() {
    if (finished || !started || finalStages < stages.size()) return;
    finished = true;
    if (pipelineTimer != null) pipelineTimer.cancel();
    ExecutionStatus status;
    Optional<String> reason = Optional.empty();
    if (storageFailure.get() != null) {
      status = ExecutionStatus.FAILED;
      reason = Optional.ofNullable(storageFailure.get());
    } else if (timedOut || cancelled) {
      status = timedOut ? ExecutionStatus.TIMED_OUT : ExecutionStatus.CANCELLED;
      reason = Optional.ofNullable(cancelReason);
    } else if (stages.values().stream().anyMatch(s -> s.status.countsAsFailure())) {
      status = ExecutionStatus.FAILED;
      reason = stages.values().stream().filter(s -> s.status.countsAsFailure()).findFirst()
          .map(s -> "stage '" + s.id() + "' " + s.status.result());
    } else {
      status = ExecutionStatus.SUCCEEDED;
    }
    Optional<String> r = reason;
    hub.publish((seq, t) -> new ExecutionFinished(id(), seq, t, status, r));
    services.logs().finish(id());
    onFinished.run();
    completion.complete(hub.snapshot());
  }

  /** Cancels an execution that never started (it waited in its concurrency group): every stage ends CANCELLED. */
  void cancelQueuedNow(String reason) {
    if (started || finished) {
      cancelNow(reason, false);
      return;
    }
    started = true;
    cancelled = true;
    cancelReason = reason;
    hub.publish((seq, t) -> new CancelRequested(id(), seq, t, reason));
    for (StageState s : stages.values()) {
      s.status = StageStatus.CANCELLED;
      finalStages++;
      hub.publish((seq, t) -> new StageFinished(id(), seq, t, s.id(), StageStatus.CANCELLED, Optional.of(reason), Map.of()));
    }
    checkFinished();
  }

  void cancelNow(String reason, boolean timeout) {
    if (finished || cancelled) return;
    if (!started) {
      cancelQueuedNow(reason);
      return;
    }
    cancelled = true;
    cancelReason = reason;
    hub.publish((seq, t) -> new CancelRequested(id(), seq, t, reason));
    StageStatus status = timeout ? StageStatus.TIMED_OUT : StageStatus.CANCELLED;
    for (StageState s : stages.values()) {
      if (s.status == StageStatus.WAITING_APPROVAL || (s.waitTimer != null && !s.status.isFinal())) {
        if (s.waitTimer != null) s.waitTimer.cancel();
        s.waitTimer = null;
        finishStage(s, status, Optional.of(reason));
      } else if (s.status == StageStatus.RUNNING) {
        for (JobState j : s.jobs) {
          if (j.status.isFinal()) continue;
          j.cancelRequested = true;
          if (timeout) j.timedOut = true;
          if (j.remote != null) {
            stopRemote(j, status, reason, timeout);
          } else if (j.current != null) {
            j.stopCurrent(services.cancelGrace());
          } else {
            finishJob(j, status, Optional.empty(), Optional.of(reason));
          }
        }
      }
    }
    checkFinished();
  }

  /**
   * The data directory failed under the run (full, read-only, gone). Nothing more can be kept, so the
   * run stops: running steps are stopped, and the jobs, their stages and the execution end FAILED
   * with the reason. Once per run; from any thread.
   */
  private void storageFailed(RuntimeException e) {
    if (e instanceof PipelineException p && p.errorCode() == ErrorCode.STORE_CLOSED) {
      LOG.debug("execution {}: {}", id(), e.getMessage()); // the host is shutting down: nothing is lost that it could keep
      return;
    }
    String reason = "the run's data cannot be stored: " + FileErrors.describe(e);
    if (!storageFailure.compareAndSet(null, reason)) return;
    LOG.warn("execution {}: {}", id(), reason);
    actor.executeLater(() -> cancelNow(reason, false));
  }

  // ---- what the facade, a job attempt, a step call and the contexts read of their run ----

  String id() { return header.id(); }
  ExecutionHeader header() { return header; }
  CompletableFuture<ExecutionSnapshot> completion() { return completion; }
  Approvals approvals() { return approvals; }
  SerialExecutor actor() { return actor; }
  boolean cancelled() { return cancelled; }
  boolean timedOut() { return timedOut; }
  @Nullable String cancelReason() { return cancelReason; }
  EngineServices services() { return services; }
  EventHub hub() { return hub; }
  Path workspace() { return workspace; }
  SecretMasker masker() { return masker; }
  RunContexts contexts() { return contexts; }
  JobWorkspaces workspaces() { return workspaces; }

  /** The stage ids in plan order. */
  Iterable<String> stageIds() { return stages.keySet(); }

  /** The stage of this id (for contexts and their views). */
  @Nullable StageState stageState(String id) {
    return stages.get(id);
  }
}
