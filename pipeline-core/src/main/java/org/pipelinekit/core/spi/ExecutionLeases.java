package org.pipelinekit.core.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Which host makes an execution's decisions: the one that holds its lease, renewed while it runs the execution. A host
 * that stops renewing (it died) loses its executions to the first host that takes the expired leases, which goes on with
 * them from their journals. pipeline-jdbc keeps them in PostgreSQL.
 */
public interface ExecutionLeases {
  /** How long a lease holds unrenewed; hosts renew every third of it. */
  Duration duration();

  /**
   * Renews (or takes, for a new execution) the leases of the executions {@code host} runs; returns those whose lease
   * another host holds now (this host lost them).
   */
  Set<String> renew(String host, Collection<String> executionIds);

  /**
   * Takes for {@code host} the leases of those of the executions that no host renewed in time (or that never had one
   * though they were made a while ago); returns the ones taken.
   */
  Set<String> takeExpired(String host, Collection<String> executionIds);
}
