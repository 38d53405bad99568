package org.pipelinekit.core.engine.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.model.Approval;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalDecided;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.StageStatus;

/**
 * A stage's manual gate: the approvers (the stage's, plus its environment's protection), the deadline, and the
 * decisions. A stage starts once {@code required} approvers said yes, fails at the first no, and times out when
 * nobody decided in time. On the run's actor.
 */
final class Approvals {
  private final ExecutionRun run;

  Approvals(ExecutionRun run) {
    this.run = run;
  }

  void request(StageState s, Approval approval) {
    s.status = StageStatus.WAITING_APPROVAL;
    List<String> approvers = approval.approvers();
    s.approvers = approvers;
    s.requiredApprovals = approval.required();
    Optional<Instant> deadline = approval.timeout().map(t -> run.services().clock().instant().plus(t));
    run.hub().publish((seq, t) -> new ApprovalRequested(run.id(), seq, t, s.id(), approvers, deadline));
    approval.timeout().ifPresent(limit -> s.approvalTimer = run.services().timer().schedule(limit, () -> run.actor().execute(() -> {
      if (s.status == StageStatus.WAITING_APPROVAL) {
        run.finishStage(s, StageStatus.TIMED_OUT, Optional.of("no approval within " + Durations.format(limit)));
      }
    })));
  }

  void decide(Principal who, String stageId, boolean approved, Optional<String> comment) {
    StageState s = run.stageState(stageId);
    if (s == null) {
      throw new PipelineException(ErrorCode.STAGE_UNKNOWN, "execution " + run.id() + " has no stage '" + stageId + "'");
    }
    if (s.status != StageStatus.WAITING_APPROVAL) {
      throw new PipelineException(ErrorCode.APPROVAL_NOT_PENDING, "stage '" + stageId + "' of execution " + run.id()
          + " is not waiting for approval (it is " + s.status + ")");
    }
    if (!who.isAnyOf(s.approvers)) {
      throw new PipelineException(ErrorCode.APPROVAL_FORBIDDEN, who.name() + " may not approve stage '" + stageId + "'; approvers are "
          + s.approvers);
    }
    run.hub().publish((seq, t) -> new ApprovalDecided(run.id(), seq, t, stageId, who.name(), approved, comment));
    if (!approved) {
      run.finishStage(s, StageStatus.FAILED, Optional.of("rejected by " + who.name() + comment.map(c -> ": " + c).orElse("")));
      return;
    }
    s.approvedBy.add(who.name());
    if (s.approvedBy.size() >= s.requiredApprovals) {
      if (s.approvalTimer != null) s.approvalTimer.cancel();
      run.startAfterWait(s);
    }
  }
}
