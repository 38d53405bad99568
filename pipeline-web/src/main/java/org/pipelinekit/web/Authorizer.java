package org.pipelinekit.web;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.access.AccessPolicy;
import org.pipelinekit.core.access.Action;
import org.pipelinekit.core.access.Role;
import org.pipelinekit.core.engine.Principal;

/**
 * What a principal may do with a pipeline (its executions, logs and artifacts included): the host's {@link AccessPolicy}
 * as the servlet asks it. The servlet answers 403 when it says no, before a handler runs; the handlers then make their
 * changes through {@link org.pipelinekit.core.access.PipelineAccess}, which asks it again.
 */
@FunctionalInterface
public interface Authorizer extends AccessPolicy {
  /** {@code pipelineId} is empty for actions on no particular pipeline (creating one, listing). */
  boolean allowed(Principal principal, Action action, Optional<String> pipelineId);

  @Override
  default boolean allows(Principal principal, Action action, Optional<String> pipelineId) {
    return allowed(principal, action, pipelineId);
  }

  static Authorizer allowAll() {
    return (p, a, id) -> true;
  }

  /** Each principal may do what its role allows; one without a role, nothing. */
  static Authorizer byRoles(java.util.function.Function<Principal, Optional<Role>> roleOf) {
    return AccessPolicy.byRoles(roleOf)::allows;
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
