package org.pipelinekit.core.access;

import java.util.Set;

/**
 * What a person may do in a project: a viewer reads; a runner reads and runs; an approver reads and decides approvals
 * (which the engine checks against each stage's approvers too); an editor reads, edits, runs and approves; an admin does
 * everything, reading the audit log included.
 */
public enum Role {
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
