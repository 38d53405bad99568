package org.pipelinekit.core.engine.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionStarted;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageReused;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.model.Stage;

/**
 * Folds journaled events into an {@link ExecutionSnapshot}. The live engine and a host rebuilding
 * an execution after a restart use the same fold, so both see the same execution.
 */
public final class SnapshotBuilder {
  private final ExecutionHeader header;
  private ExecutionStatus status = ExecutionStatus.QUEUED;
  private Optional<Instant> startedAt = Optional.empty();
  private Optional<Instant> finishedAt = Optional.empty();
  private Optional<String> reason = Optional.empty();
  private final Map<String, MutableStage> stages = new LinkedHashMap<>();
  private long sequence;

  public SnapshotBuilder(ExecutionHeader header) {
    this.header = header;
    for (Stage s : header.pipeline().stages()) stages.put(s.id(), new MutableStage(s.id()));
  }

  public static ExecutionSnapshot fold(ExecutionHeader header, List<ExecutionEvent> events) {
    SnapshotBuilder b = new SnapshotBuilder(header);
    events.forEach(b::apply);
    return b.build();
  }

  public long sequence() {
    return sequence;
  }

  public ExecutionStatus status() {
    return status;
  }

  public void apply(ExecutionEvent e) {
    sequence = Math.max(sequence, e.sequence());
    if (e instanceof ExecutionStarted) {
      status = ExecutionStatus.RUNNING;
      startedAt = Optional.of(e.time());
    } else if (e instanceof StageReused r) {
      MutableStage s = stages.get(r.stageId());
      s.status = r.status();
      s.outputs = r.outputs();
      s.reusedFrom = Optional.of(r.fromExecutionId());
    } else if (e instanceof ExecutionEvent.StagesAdded a) {
      for (String id : a.stageIds()) stages.putIfAbsent(id, new MutableStage(id));
    } else if (e instanceof ApprovalRequested a) {
      stages.get(a.stageId()).status = StageStatus.WAITING_APPROVAL;
    } else if (e instanceof StageStarted st) {
      MutableStage s = stages.get(st.stageId());
      s.status = StageStatus.RUNNING;
      s.startedAt = Optional.of(e.time());
    } else if (e instanceof JobStarted j) {
      MutableStage s = stages.get(j.stageId());
      MutableJob job = s.jobs.computeIfAbsent(j.jobId(), id -> new MutableJob(id, j.matrix()));
      job.status = StageStatus.RUNNING;
      job.attempts = j.attempt();
      if (job.startedAt.isEmpty()) job.startedAt = Optional.of(e.time());
    } else if (e instanceof JobFinished j) {
      MutableJob job = stages.get(j.stageId()).jobs.computeIfAbsent(j.jobId(), id -> new MutableJob(id, Map.of()));
      job.status = j.status();
      job.attempts = Math.max(job.attempts, j.attempt());
      job.finishedAt = Optional.of(e.time());
      job.exitCode = j.exitCode();
      job.reason = j.reason();
      job.outputs = j.outputs();
    } else if (e instanceof StageFinished f) {
      MutableStage s = stages.get(f.stageId());
      s.status = f.status();
      s.finishedAt = Optional.of(e.time());
      s.reason = f.reason();
      s.outputs = f.outputs();
    } else if (e instanceof ExecutionFinished f) {
      status = f.status();
      finishedAt = Optional.of(e.time());
      reason = f.reason();
      if (f.status() == ExecutionStatus.INTERRUPTED) {
        for (MutableStage s : stages.values()) {
          if (!s.status.isFinal() && s.status != StageStatus.PENDING) {
            s.status = StageStatus.INTERRUPTED;
            s.reason = Optional.of("the host stopped while the stage ran");
          }
          for (MutableJob j : s.jobs.values()) {
            if (!j.status.isFinal()) j.status = StageStatus.INTERRUPTED;
          }
        }
      }
    }
  }

  public ExecutionSnapshot build() {
    Map<String, StageRun> out = new LinkedHashMap<>();
    stages.forEach((id, s) -> out.put(id, s.build()));
    return new ExecutionSnapshot(header, status, startedAt, finishedAt, reason, out, sequence);
  }

  private static final class MutableStage {
    final String id;
    StageStatus status = StageStatus.PENDING;
    Optional<Instant> startedAt = Optional.empty();
    Optional<Instant> finishedAt = Optional.empty();
    Optional<String> reason = Optional.empty();
    Map<String, String> outputs = Map.of();
    final Map<String, MutableJob> jobs = new LinkedHashMap<>();
    Optional<String> reusedFrom = Optional.empty();

    MutableStage(String id) {
      this.id = id;
    }

    StageRun build() {
      List<JobRun> js = new ArrayList<>();
      jobs.values().forEach(j -> js.add(j.build()));
      return new StageRun(id, status, startedAt, finishedAt, reason, outputs, js, reusedFrom);
    }
  }

  private static final class MutableJob {
    final String id;
    final Map<String, String> matrix;
    StageStatus status = StageStatus.PENDING;
    int attempts;
    Optional<Instant> startedAt = Optional.empty();
    Optional<Instant> finishedAt = Optional.empty();
    Optional<Integer> exitCode = Optional.empty();
    Optional<String> reason = Optional.empty();
    Map<String, String> outputs = Map.of();

    MutableJob(String id, Map<String, String> matrix) {
      this.id = id;
      this.matrix = matrix;
    }

    JobRun build() {
      return new JobRun(id, matrix, status, attempts, startedAt, finishedAt, exitCode, reason, outputs);
    }
  }
}
