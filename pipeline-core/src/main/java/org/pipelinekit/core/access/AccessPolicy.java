package org.pipelinekit.core.access;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.Principal;

/**
 * Whether a principal may do an {@link Action} with a pipeline ({@code pipelineId} empty for no particular one: creating,
 * listing). The host decides; {@link PipelineAccess} asks it before every change it makes for someone.
 */
@FunctionalInterface
public interface AccessPolicy {
  boolean allows(Principal principal, Action action, Optional<String> pipelineId);

  /** Nothing, or {@code ACCESS_DENIED} saying who may not do what. */
  default void check(Principal principal, Action action, Optional<String> pipelineId) {
    if (!allows(principal, action, pipelineId)) {
      throw new PipelineException(ErrorCode.ACCESS_DENIED, principal.name() + " may not " + action.name().toLowerCase(Locale.ROOT)
          + pipelineId.map(p -> " pipeline " + p).orElse(" pipelines"));
    }
  }

  static AccessPolicy allowAll() {
    return (p, a, id) -> true;
  }

  /** Each principal may do what its role allows; one without a role, nothing. */
  static AccessPolicy byRoles(Function<Principal, Optional<Role>> roleOf) {
    return (p, a, id) -> roleOf.apply(p).map(r -> r.actions().contains(a)).orElse(false);
  }
}
