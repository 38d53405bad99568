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

  /**
   * What a person may do on a server: a viewer reads; a runner reads and runs; an approver reads and decides approvals
   * (which the engine checks against each stage's approvers too); an editor reads, edits, runs and approves; an admin
   * does everything, reading the audit log included.
   */
  enum Role {
    VIEWER(Action.READ),
    RUNNER(Action.READ, Action.RUN),
    APPROVER(Action.READ, Action.APPROVE),
    EDITOR(Action.READ, Action.EDIT, Action.RUN, Action.APPROVE),
    ADMIN(Action.values());

    private final Set<Action> actions;

    Role(Action... actions) {
      this.actions = Set.of(actions);
    }

    public Set<Action> actions() {
      return actions;
    }

    /** The role called so ({@code runner}), or an error that lists the roles. */
    public static Role of(String name) {
      for (Role r : values()) if (r.name().equalsIgnoreCase(name)) return r;
      throw new IllegalArgumentException("no role '" + name + "'; the roles are viewer, runner, approver, editor and admin");
    }
  }

  /** Each principal may do what its role allows; one without a role, nothing. */
  static Authorizer byRoles(java.util.function.Function<Principal, java.util.Optional<Role>> roleOf) {
    return (p, a, id) -> roleOf.apply(p).map(r -> r.actions().contains(a)).orElse(false);
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
