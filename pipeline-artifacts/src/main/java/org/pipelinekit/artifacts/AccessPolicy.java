package org.pipelinekit.artifacts;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.pipelinekit.core.engine.Principal;

/**
 * Who may read which artifacts: the host decides (its users, teams, projects). Consulted by
 * {@link ArtifactManager#get} and {@link ArtifactManager#copyTo}; signed URLs are capabilities and
 * bypass it (the policy was consulted when the URL was made).
 */
@FunctionalInterface
public interface AccessPolicy {
  boolean canRead(Principal principal, ArtifactRecord artifact);

  /** Everyone reads everything: for single-user tools and tests. */
  static AccessPolicy allowAll() {
    return (principal, artifact) -> true;
  }

  /**
   * Readers per pipeline: a principal reads a pipeline's artifacts when it, or one of its groups, is
   * listed for that pipeline (or for {@code "*"}).
   */
  static AccessPolicy byPipeline(Map<String, ? extends Collection<String>> readers) {
    Map<String, Set<String>> copy = new java.util.HashMap<>();
    readers.forEach((pipeline, names) -> copy.put(pipeline, Set.copyOf(names)));
    return (principal, artifact) -> {
      Set<String> allowed = new java.util.HashSet<>(copy.getOrDefault(artifact.pipelineId(), Set.of()));
      allowed.addAll(copy.getOrDefault("*", Set.of()));
      return !allowed.isEmpty() && principal.isAnyOf(allowed);
    };
  }
}
