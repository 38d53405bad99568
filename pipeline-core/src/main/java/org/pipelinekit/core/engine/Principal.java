package org.pipelinekit.core.engine;

import java.util.Objects;
import java.util.Set;

/** Who acts on an execution (approves, rejects, cancels): a name and the groups the host says it belongs to. */
public record Principal(String name, Set<String> groups) {
  public Principal {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) throw new IllegalArgumentException("principal name must not be blank");
    groups = Set.copyOf(groups);
  }

  public static Principal of(String name, String... groups) {
    return new Principal(name, Set.of(groups));
  }

  /** Whether the principal is named in {@code allowed} directly or through a group; an empty list allows everyone. */
  public boolean isAnyOf(java.util.Collection<String> allowed) {
    return allowed.isEmpty() || allowed.contains(name) || groups.stream().anyMatch(allowed::contains);
  }
}
