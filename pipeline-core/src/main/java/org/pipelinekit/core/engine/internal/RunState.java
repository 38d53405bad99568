package org.pipelinekit.core.engine.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.engine.EngineTimer;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.plan.MatrixCell;
import org.pipelinekit.core.plan.PlannedStage;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.spi.PlannedStep;

/** The scheduler's state of a run: per stage and per job (one matrix cell), changed only on the run's actor. */
final class RunState {
  private RunState() {}

  /** Something running that can be stopped: a runner's step or an in-process action. */
  @FunctionalInterface
  interface Stoppable {
    void stop(Duration grace);
  }

  static final class StageState {
    final PlannedStage planned;
    Stage stage;
    boolean templated;
    StageStatus status = StageStatus.PENDING;
    int pendingNeeds;
    boolean deciding;
    final List<JobState> jobs = new ArrayList<>();
    int active;
    boolean failFast;
    Map<String, String> outputs = Map.of();
    List<String> approvers = List.of();
    int requiredApprovals = 1;
    final Set<String> approvedBy = new HashSet<>();
    EngineTimer.@Nullable Scheduled approvalTimer;
    /** The wait of its environment's wait timer before it starts, while it lasts. */
    EngineTimer.@Nullable Scheduled waitTimer;
    final StageLog log;
    /** Attempts each job had on a host that stopped, for an execution taken over from it. */
    final Map<String, Integer> attemptsBefore = new java.util.HashMap<>();

    StageState(PlannedStage planned, StageLog log) {
      this.planned = planned;
      this.stage = planned.stage();
      this.log = log;
    }

    String id() {
      return planned.id();
    }

    /**
     * What the stage's ended jobs make of it: a failure or timeout (soft with continueOnError, when every failed job's exit
     * code is one it allows), a cancel, reused, or success.
     */
    StageStatus resultOfJobs() {
      boolean failed = jobs.stream().anyMatch(j -> j.status == StageStatus.FAILED);
      if (failed || jobs.stream().anyMatch(j -> j.status == StageStatus.TIMED_OUT)) {
        boolean soft = jobs.stream().filter(j -> j.status == StageStatus.FAILED || j.status == StageStatus.TIMED_OUT)
            .allMatch(j -> stage.failureIsSoft(j.status == StageStatus.FAILED ? j.exitCode : Optional.empty()));
        return soft ? StageStatus.SOFT_FAILED : failed ? StageStatus.FAILED : StageStatus.TIMED_OUT;
      }
      if (jobs.stream().anyMatch(j -> j.status == StageStatus.CANCELLED)) return StageStatus.CANCELLED;
      return jobs.stream().allMatch(j -> j.status == StageStatus.CACHED) ? StageStatus.CACHED : StageStatus.SUCCEEDED;
    }

    /** Why: the first failing job's reason, or the run's cancel reason. */
    Optional<String> reasonOfJobs(@Nullable String cancelReason) {
      StageStatus result = resultOfJobs();
      if (result == StageStatus.CANCELLED) return Optional.ofNullable(cancelReason);
      return jobs.stream().filter(j -> j.status.countsAsFailure()).map(j -> j.reason).flatMap(Optional::stream).findFirst();
    }

    /** The outputs of all the stage's jobs, in job order (a later job's value wins). */
    Map<String, String> jobOutputs() {
      Map<String, String> outputs = new LinkedHashMap<>();
      for (JobState j : jobs) outputs.putAll(j.outputs);
      return outputs;
    }
  }

  static final class JobState {
    final StageState stage;
    final MatrixCell cell;
    final String jobId;
    StageStatus status = StageStatus.PENDING;
    /** Secrets this job was told it does not get (protected branches), so it is told once. */
    final Set<String> withheld = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The exit code of the attempt that ended the job, when a process ended it. */
    Optional<Integer> exitCode = Optional.empty();
    int attempt;
    boolean queued;
    boolean holdsSlot;
    Slots.@Nullable Waiter waiter;
    EngineTimer.@Nullable Scheduled retryTimer;
    /** The attempt offered to the cluster's job queue, while it is there or on another host. */
    org.pipelinekit.core.spi.JobQueue.@Nullable Offer remote;
    volatile @Nullable Stoppable current;
    boolean cancelRequested;
    @Nullable String cancelNote;
    boolean timedOut;
    List<PlannedStep> steps = List.of();
    int stepIndex;
    volatile Stage rendered;
    /** The attempt's workspace (isolated: its own directory; shared: the execution's); set before it is rendered. */
    Path workspace;
    Map<String, String> attemptOutputs = new LinkedHashMap<>();
    Map<String, String> outputs = Map.of();
    Optional<String> reason = Optional.empty();
    /** The stages the job's last attempt wrote to $PIPELINE_STAGES, when it succeeded and wrote some. */
    @Nullable String generated;

    JobState(StageState stage, MatrixCell cell) {
      this.stage = stage;
      this.cell = cell;
      this.jobId = cell.jobId(stage.id());
      this.rendered = stage.stage;
    }

    /** Writes a line to the job's stage log, as this attempt's. */
    void log(String text) {
      stage.log.append(jobId, attempt, text);
    }

    /** Says in the log that {@code what} ran out of {@code limit}, and stops the running step. */
    void stopForTimeout(String what, Duration limit, Duration grace) {
      log(what + " timed out after " + org.pipelinekit.core.model.Durations.format(limit) + "; stopping it");
      stopCurrent(grace);
    }

    void stopCurrent(Duration grace) {
      Stoppable c = current;
      if (c != null) c.stop(grace);
    }

    /** Why the job was cancelled: its own note (fail-fast), else the run's reason. */
    String cancelReason(@Nullable String runReason) {
      return cancelNote != null ? cancelNote : runReason != null ? runReason : "cancelled";
    }
  }
}
