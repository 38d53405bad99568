package org.pipelinekit.core.simulate;

import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;

/** Decides a stage's approval in a simulation; empty: nobody decides, and the simulated run stops there, waiting. */
@FunctionalInterface
public interface Approver {
  Optional<Decision> decide(ApprovalRequested request);

  /** Nobody decides. */
  static Approver nobody() {
    return request -> Optional.empty();
  }

  /** An approval or a rejection, by whom. */
  record Decision(boolean approved, Principal who, String comment) {
    public Decision {
      Objects.requireNonNull(who, "who");
      Objects.requireNonNull(comment, "comment");
    }

    public static Decision approve(Principal who) {
      return new Decision(true, who, "");
    }

    public static Decision reject(Principal who, String comment) {
      return new Decision(false, who, comment);
    }
  }

  /** Someone in every group the stage asks for, so the engine's check of approvers passes. */
  static Principal anApproverOf(ApprovalRequested request, String name) {
    return new Principal(name, new java.util.LinkedHashSet<>(request.approvers()));
  }
}
