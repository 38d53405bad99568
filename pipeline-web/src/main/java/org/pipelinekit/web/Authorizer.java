package org.pipelinekit.web;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.pipelinekit.core.engine.Principal;

/**
 * What a principal may do with a pipeline (its executions, logs and artifacts included). The
 * host decides; the API answers 403 when it says no.
 */
@FunctionalInterface
public interface Authorizer {
  /** What can be done with a pipeline. */
  enum Action {
    /** See the pipeline, its executions, logs, artifacts and analytics. */
    READ,
    /** Create, change, delete, import pipelines. */
    EDIT,
    /** Start, cancel and re-run executions. */
    RUN,
    /** Approve or reject waiting stages (the stage's own approvers are checked by the engine too). */
    APPROVE,
    /** Read the audit log: who did what, when. */
    AUDIT
  }

  /** {@code pipelineId} is empty for actions on no particular pipeline (creating one, listing). */
  boolean allowed(Principal principal, Action action, java.util.Optional<String> pipelineId);

  static Authorizer allowAll() {
    return (p, a, id) -> true;
  }

  /** Each action allowed to the principals or groups listed for it. */
  static Authorizer byGroups(Map<Action, ? extends Collection<String>> allowed) {
    Map<Action, Set<String>> copy = new EnumMap<>(Action.class);
    allowed.forEach((a, names) -> copy.put(a, Set.copyOf(names)));
    return (p, a, id) -> {
      Set<String> names = copy.getOrDefault(a, Set.of());
      return !names.isEmpty() && p.isAnyOf(names);
    };
  }
}
