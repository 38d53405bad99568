package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalDecided;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionEvent.CancelRequested;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionQueued;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionStarted;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageReused;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.engine.ExecutionLogs;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.expr.Expression;
import org.pipelinekit.core.expr.ExpressionException;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.model.Approval;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.RetryPolicy;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.plan.MatrixCell;
import org.pipelinekit.core.plan.PlannedStage;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.spi.StepExit;

/**
 * One live execution: the scheduler of its stages and jobs. Every change of state runs on the
 * execution's {@link SerialExecutor} ("the actor"); runner callbacks, timers and slot grants only
 * post tasks to it, so no thread ever waits for a stage. A stage starts the moment its last need
 * ends; its matrix jobs take slots from the executor's {@link Slots}.
 */
public final class ExecutionRun implements Execution {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecutionRun.class);
  private final EngineServices services;
  private final ExecutionHeader header;
  private final ExecutionPlan plan;
  private final EventHub hub;
  private final SerialExecutor actor;
  private final SecretMasker masker = new SecretMasker();
  private final JobAttempts attempts = new JobAttempts(this);
  private final RunContexts contexts = new RunContexts(this);
  private final Map<String, StageState> stages = new LinkedHashMap<>();
  private final Map<String, List<StageState>> dependents = new HashMap<>();
  private int finalStages;
  private final Map<String, Reused> reused;
  private final Runnable onFinished;
  private final CompletableFuture<ExecutionSnapshot> completion = new CompletableFuture<>();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private final Path workspace;
  private boolean started;
  private boolean cancelled;
  private boolean timedOut;
  private @Nullable String cancelReason;
  private boolean finished;
  /** Why the run's data could not be stored (a full disk, a read-only directory): the run stops and ends FAILED saying so. */
  private final java.util.concurrent.atomic.AtomicReference<@Nullable String> storageFailure = new java.util.concurrent.atomic.AtomicReference<>();

  /** A stage taken over from an earlier execution by a re-run. */
  public record Reused(String fromExecutionId, StageStatus status, Map<String, String> outputs) {}

  public ExecutionRun(EngineServices services, ExecutionHeader header, ExecutionPlan plan, Map<String, Reused> reused,
      Runnable onFinished) {
    this.services = services;
    this.header = header;
    this.plan = plan;
    this.reused = reused;
    this.onFinished = onFinished;
    this.hub = new EventHub(header, List.of(), services.executions(), services.clock(), services.delivery(), services.eventBuffer());
    hub.onStoreFailure(this::storageFailed);
    hub.sanitizer(masker::mask); // nothing leaves the engine with a secret in it: journal, listeners, the API
    this.actor = new SerialExecutor(services.engine());
    this.workspace = services.workspace(header.id());
    for (PlannedStage ps : plan.stages()) {
      stages.put(ps.id(), new StageState(ps));
    }
    for (Stage s : header.pipeline().stages()) {
      StageState st = stages.get(s.id());
      st.stage = s;
      st.templated = StageRendering.templated(s);
    }
    for (StageState s : stages.values()) {
      for (String need : new java.util.LinkedHashSet<>(s.stage.needs())) {
        dependents.computeIfAbsent(need, k -> new ArrayList<>()).add(s);
      }
    }
  }

  // ---- Execution ------------------------------------------------------------------------------

  @Override
  public String id() {
    return header.id();
  }

  @Override
  public ExecutionHeader header() {
    return header;
  }

  @Override
  public ExecutionSnapshot snapshot() {
    return hub.snapshot();
  }

  @Override
  public CompletableFuture<ExecutionSnapshot> completion() {
    return completion;
  }

  @Override
  public Subscription subscribe(long fromSequence, EventListener listener) {
    return hub.subscribe(fromSequence, listener);
  }

  @Override
  public ExecutionLogs logs() {
    return new Logs();
  }

  @Override
  public void cancel(String reason) {
    actor.executeLater(() -> cancelNow(reason, false));
  }

  public void approve(Principal who, String stageId, boolean approved, Optional<String> comment) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    actor.executeLater(() -> {
      try {
        decideApproval(who, stageId, approved, comment);
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    try {
      done.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  /** Announces the execution as queued (its concurrency group is busy). */
  public void queued(Optional<String> group) {
    actor.executeLater(() -> hub.publish((seq, t) -> new ExecutionQueued(id(), seq, t, group)));
  }

  // ---- start ----------------------------------------------------------------------------------

  public void start() {
    actor.executeLater(this::startNow);
  }

  private void startNow() {
    if (started || finished) return;
    started = true;
    try {
      PrivateFiles.createDirectories(workspace.getParent()); // the workspaces directory: others may not look in
      Files.createDirectories(workspace);
    } catch (IOException e) {
      hub.publish((seq, t) -> new ExecutionStarted(id(), seq, t));
      for (StageState s : stages.values()) finishStage(s, StageStatus.FAILED, Optional.of("cannot create the workspace: " + e.getMessage()));
      return;
    }
    hub.publish((seq, t) -> new ExecutionStarted(id(), seq, t));
    header.pipeline().timeout().ifPresent(limit -> timers.add(services.timer().schedule(
        () -> actor.execute(() -> {
          if (!finished) {
            timedOut = true;
            cancelNow("the pipeline timed out after " + Durations.format(limit), true);
          }
        }), limit.toMillis(), TimeUnit.MILLISECONDS)));
    for (StageState s : stages.values()) {
      s.pendingNeeds = new HashSet<>(s.planned.stage().needs()).size();
    }
    for (StageState s : stages.values()) {
      Reused r = reused.get(s.id());
      if (r != null) {
        s.status = r.status();
        s.outputs = r.outputs();
        hub.publish((seq, t) -> new StageReused(id(), seq, t, s.id(), r.fromExecutionId(), r.status(), r.outputs()));
        stageEnded(s);
      }
    }
    for (StageState s : stages.values()) {
      if (s.status == StageStatus.PENDING && s.pendingNeeds == 0 && !s.deciding) decide(s);
    }
    checkFinished();
  }

  // ---- deciding whether a stage runs -----------------------------------------------------------

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
    Stage stage = s.stage;
    boolean needsOk = stage.needs().stream().allMatch(n -> stages.get(n).status.countsAsSuccess());
    Optional<Expression> when;
    try {
      when = stage.when().map(Expression::parseCondition);
    } catch (ExpressionException e) {
      finishStage(s, StageStatus.FAILED, Optional.of("the condition cannot be parsed: " + e.getMessage()));
      return;
    }
    boolean statusFunction = when.map(Expression::usesStatusFunction).orElse(false);
    if (cancelled && !statusFunction) {
      finishStage(s, StageStatus.CANCELLED, Optional.of(cancelReason == null ? "cancelled" : cancelReason));
      return;
    }
    boolean run;
    try {
      if (when.isEmpty()) {
        run = needsOk;
      } else if (statusFunction) {
        run = when.get().test(context(s, MatrixCell.NONE));
      } else {
        run = needsOk && when.get().test(context(s, MatrixCell.NONE));
      }
    } catch (ExpressionException | UnsupportedOperationException e) {
      finishStage(s, StageStatus.FAILED, Optional.of("the condition cannot be evaluated: " + e.getMessage()));
      return;
    }
    if (!run) {
      String why = cancelled ? String.valueOf(cancelReason)
          : when.isPresent() && (statusFunction || needsOk) ? "condition `" + stage.when().get() + "` is false"
          : "a needed stage did not succeed: " + failedNeeds(stage);
      finishStage(s, cancelled ? StageStatus.CANCELLED : StageStatus.SKIPPED, Optional.of(why));
      return;
    }
    Optional<Approval> approval = stage.approval();
    if (approval.isPresent()) {
      requestApproval(s, approval.get());
    } else {
      startStage(s);
    }
  }

  private String failedNeeds(Stage stage) {
    List<String> bad = new ArrayList<>();
    for (String n : stage.needs()) {
      StageStatus st = stages.get(n).status;
      if (!st.countsAsSuccess()) bad.add(n + " (" + st.result() + ")");
    }
    return String.join(", ", bad);
  }

  // ---- approvals ------------------------------------------------------------------------------

  private void requestApproval(StageState s, Approval approval) {
    s.status = StageStatus.WAITING_APPROVAL;
    List<String> approvers = new ArrayList<>(approval.approvers());
    s.stage.environment().flatMap(e -> e.protection()).ifPresent(p -> p.approvers().forEach(a -> {
      if (!approvers.contains(a)) approvers.add(a);
    }));
    s.approvers = approvers;
    Optional<Instant> deadline = approval.timeout().map(t -> services.clock().instant().plus(t));
    hub.publish((seq, t) -> new ApprovalRequested(id(), seq, t, s.id(), approvers, deadline));
    approval.timeout().ifPresent(limit -> s.approvalTimer = services.timer().schedule(() -> actor.execute(() -> {
      if (s.status == StageStatus.WAITING_APPROVAL) {
        finishStage(s, StageStatus.TIMED_OUT, Optional.of("no approval within " + Durations.format(limit)));
      }
    }), limit.toMillis(), TimeUnit.MILLISECONDS));
  }

  private void decideApproval(Principal who, String stageId, boolean approved, Optional<String> comment) {
    StageState s = stages.get(stageId);
    if (s == null) {
      throw new PipelineException(ErrorCode.STAGE_UNKNOWN, "execution " + id() + " has no stage '" + stageId + "'");
    }
    if (s.status != StageStatus.WAITING_APPROVAL) {
      throw new PipelineException(ErrorCode.APPROVAL_NOT_PENDING, "stage '" + stageId + "' of execution " + id()
          + " is not waiting for approval (it is " + s.status + ")");
    }
    if (!who.isAnyOf(s.approvers)) {
      throw new PipelineException(ErrorCode.APPROVAL_FORBIDDEN, who.name() + " may not approve stage '" + stageId + "'; approvers are "
          + s.approvers);
    }
    hub.publish((seq, t) -> new ApprovalDecided(id(), seq, t, stageId, who.name(), approved, comment));
    if (!approved) {
      finishStage(s, StageStatus.FAILED, Optional.of("rejected by " + who.name() + comment.map(c -> ": " + c).orElse("")));
      return;
    }
    s.approvedBy.add(who.name());
    if (s.approvedBy.size() >= s.stage.approval().map(Approval::required).orElse(1)) {
      if (s.approvalTimer != null) s.approvalTimer.cancel(false);
      startStage(s);
    }
  }

  // ---- running a stage ------------------------------------------------------------------------

  private void startStage(StageState s) {
    s.status = StageStatus.RUNNING;
    hub.publish((seq, t) -> new StageStarted(id(), seq, t, s.id()));
    for (MatrixCell cell : s.planned.cells()) {
      s.jobs.add(new JobState(s, cell));
    }
    launchJobs(s);
  }

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
    attempts.start(j);
  }

  void attemptFailed(JobState j, RetryOn kind, int exitCode, String reason, boolean retryable) {
    if (j.attemptTimer != null) j.attemptTimer.cancel(false);
    RetryPolicy retry = j.stage.planned.settings().retry();
    if (retryable && !cancelled && !j.cancelRequested && retry.retries(kind, exitCode, j.attempt)) {
      Duration delay = retry.backoff().delay(j.attempt);
      int attempt = j.attempt;
      hub.publish((seq, t) -> new JobRetrying(id(), seq, t, j.stage.id(), j.jobId, attempt, delay, reason));
      log(j, "↻ attempt " + attempt + " failed (" + reason + "); retrying in " + Durations.format(delay));
      releaseSlot(j);
      j.status = StageStatus.PENDING;
      j.retryTimer = services.timer().schedule(() -> actor.execute(() -> {
        j.retryTimer = null;
        if (cancelled || j.cancelRequested) {
          finishJob(j, StageStatus.CANCELLED, Optional.empty(), Optional.of(j.cancelReason(cancelReason)));
        } else {
          queueJob(j);
        }
      }), delay.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    StageStatus status = kind == RetryOn.TIMEOUT ? StageStatus.TIMED_OUT : StageStatus.FAILED;
    j.outputs = j.attemptOutputs;
    finishJob(j, status, exitCode >= 0 ? Optional.of(exitCode) : Optional.empty(), Optional.of(reason));
  }

  void finishJob(JobState j, StageStatus requested, Optional<Integer> exitCode, Optional<String> requestedReason) {
    if (j.status.isFinal()) return;
    String storage = storageFailure.get();
    boolean storageStopped = storage != null && requested == StageStatus.CANCELLED;
    StageStatus status = storageStopped ? StageStatus.FAILED : requested;
    Optional<String> reason = storageStopped ? Optional.of(storage) : requestedReason;
    if (j.attemptTimer != null) j.attemptTimer.cancel(false);
    if (j.retryTimer != null) j.retryTimer.cancel(false);
    if (j.waiter != null) {
      if (!j.waiter.cancel()) j.holdsSlot = true; // granted meanwhile; the grant task will find the job final
      j.waiter = null;
    }
    releaseSlot(j);
    j.status = status;
    j.reason = reason;
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
          if (other.current != null) {
            other.stopCurrent(services.cancelGrace());
          } else if (!other.queued || other.waiter != null || other.retryTimer != null) {
            finishJob(other, StageStatus.CANCELLED, Optional.empty(), Optional.of(other.cancelNote));
          }
        }
      }
    }
    if (!cancelled && !s.failFast) launchJobs(s);
    else {
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

  private void releaseSlot(JobState j) {
    if (j.holdsSlot) {
      j.holdsSlot = false;
      services.slots().release(header.pipelineId());
    }
  }

  private void completeStage(StageState s) {
    boolean failed = s.jobs.stream().anyMatch(j -> j.status == StageStatus.FAILED);
    boolean timedOutJob = s.jobs.stream().anyMatch(j -> j.status == StageStatus.TIMED_OUT);
    boolean cancelledJob = s.jobs.stream().anyMatch(j -> j.status == StageStatus.CANCELLED);
    StageStatus status;
    Optional<String> reason = Optional.empty();
    if (failed || timedOutJob) {
      status = s.stage.continueOnError() ? StageStatus.SOFT_FAILED : failed ? StageStatus.FAILED : StageStatus.TIMED_OUT;
      reason = s.jobs.stream().filter(j -> j.status.countsAsFailure()).map(j -> j.reason).flatMap(Optional::stream).findFirst();
    } else if (cancelledJob) {
      status = StageStatus.CANCELLED;
      reason = Optional.ofNullable(cancelReason);
    } else if (s.jobs.stream().allMatch(j -> j.status == StageStatus.CACHED)) {
      status = StageStatus.CACHED;
    } else {
      status = StageStatus.SUCCEEDED;
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    for (JobState j : s.jobs) outputs.putAll(j.outputs);
    s.outputs = outputs;
    finishStage(s, status, reason);
  }

  private void finishStage(StageState s, StageStatus status, Optional<String> reason) {
    if (s.status.isFinal()) return;
    if (s.approvalTimer != null) s.approvalTimer.cancel(false);
    s.status = status;
    Map<String, String> outputs = Map.copyOf(s.outputs);
    hub.publish((seq, t) -> new StageFinished(id(), seq, t, s.id(), status, reason, outputs));
    stageEnded(s);
    checkFinished();
  }

  private void checkFinished() {
    if (finished || !started || finalStages < stages.size()) return;
    finished = true;
    timers.forEach(t -> t.cancel(false));
    ExecutionStatus status;
    Optional<String> reason = Optional.empty();
    if (storageFailure.get() != null) {
      status = ExecutionStatus.FAILED;
      reason = Optional.ofNullable(storageFailure.get());
    } else if (timedOut) {
      status = ExecutionStatus.TIMED_OUT;
      reason = Optional.ofNullable(cancelReason);
    } else if (cancelled) {
      status = ExecutionStatus.CANCELLED;
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

  // ---- cancel ---------------------------------------------------------------------------------

  /** Cancels before the execution started (it waited in its concurrency group). */
  public void cancelQueued(String reason) {
    actor.executeLater(() -> {
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
    });
  }

  private void cancelNow(String reason, boolean timeout) {
    if (finished || cancelled) return;
    if (!started) {
      actor.execute(() -> cancelQueued(reason));
      return;
    }
    cancelled = true;
    cancelReason = reason;
    hub.publish((seq, t) -> new CancelRequested(id(), seq, t, reason));
    for (StageState s : stages.values()) {
      if (s.status == StageStatus.WAITING_APPROVAL) {
        finishStage(s, timeout ? StageStatus.TIMED_OUT : StageStatus.CANCELLED, Optional.of(reason));
        continue;
      }
      if (s.status != StageStatus.RUNNING) continue;
      for (JobState j : s.jobs) {
        if (j.status.isFinal()) continue;
        j.cancelRequested = true;
        if (timeout) j.timedOut = true;
        if (j.current != null) {
          j.stopCurrent(services.cancelGrace());
        } else {
          finishJob(j, timeout ? StageStatus.TIMED_OUT : StageStatus.CANCELLED, Optional.empty(), Optional.of(reason));
        }
      }
    }
    checkFinished();
  }

  // ---- steps: the interceptor chain and the terminal call --------------------------------------

  // ---- what a job attempt and a step call read of their run ----

  SerialExecutor actor() {
    return actor;
  }

  boolean cancelled() {
    return cancelled;
  }

  boolean timedOut() {
    return timedOut;
  }

  @Nullable String cancelReason() {
    return cancelReason;
  }

  EngineServices services() {
    return services;
  }

  EventHub hub() {
    return hub;
  }

  Path workspace() {
    return workspace;
  }

  SecretMasker masker() {
    return masker;
  }

  // ---- rendering, context, logs -----------------------------------------------------------------

  StageContext context(StageState s, MatrixCell cell) {
    return contexts.of(s, cell, Map.of());
  }

  StageContext context(StageState s, MatrixCell cell, Map<String, String> stepOutputs) {
    return contexts.of(s, cell, stepOutputs);
  }

  /** The stage of this id (for contexts and their views). */
  @Nullable StageState stageState(String id) {
    return stages.get(id);
  }

  Map<String, String> masked(Map<String, String> outputs) {
    if (masker.isEmpty()) return outputs;
    Map<String, String> out = new LinkedHashMap<>();
    outputs.forEach((k, v) -> out.put(k, masker.mask(v)));
    return out;
  }

  /** Stores and publishes a line of a job's log; never throws (it runs on runners' reader threads too). */
  void log(JobState j, String text) {
    StageState s = j.stage;
    String line = masker.mask(text);
    synchronized (s.logLock) {
      long number = s.logLines.incrementAndGet();
      LogLine l = new LogLine(s.id(), number, services.clock().instant(), j.jobId, j.attempt, line);
      if (storageFailure.get() == null) {
        try {
          services.logs().append(id(), l);
        } catch (RuntimeException e) {
          storageFailed(e);
        }
      }
      hub.publish((seq, t) -> new LogAppended(id(), seq, t, l));
    }
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

  static Optional<Integer> exitCode(StepExit exit) {
    return exit.runnerError().isPresent() ? Optional.empty() : Optional.of(exit.exitCode());
  }

  // ---- logs view --------------------------------------------------------------------------------

  private final class Logs implements ExecutionLogs {
    @Override
    public List<LogLine> read(String stageId, long fromLine, int limit) {
      return services.logs().read(id(), stageId, fromLine, limit);
    }

    @Override
    public Subscription follow(String stageId, long fromLine, Consumer<LogLine> lines, Runnable onEnd) {
      return LogFollower.follow(hub, services.logs(), services.delivery(), id(), stageId, fromLine, lines, onEnd);
    }
  }

  // ---- state ------------------------------------------------------------------------------------

  /** The final snapshot, for callers that already hold the run. */
  public StageRun stageRun(String stageId) {
    return snapshot().stage(stageId);
  }

  public boolean isFinished() {
    return completion.isDone();
  }

  static Optional<String> reasonOf(ExecutionEvent e) {
    return e instanceof StageFinished f ? f.reason() : Optional.empty();
  }
}
