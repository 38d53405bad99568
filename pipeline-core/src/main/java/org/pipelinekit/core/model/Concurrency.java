package org.pipelinekit.core.model;

import java.util.Optional;

/**
 * Executions whose {@code group} (a template such as {@code deploy-${{ branch }}}) evaluates to the
 * same text run one at a time. A new one cancels the running one when {@code cancelInProgress};
 * otherwise it waits in a queue of at most {@code queueLimit} pending executions.
 */
public record Concurrency(String group, boolean cancelInProgress, Optional<Integer> queueLimit) {
  public Concurrency {
    Checks.notBlank(group, "concurrency group");
    Checks.optional(queueLimit, "concurrency queueLimit").ifPresent(n -> {
      if (n < 0) throw new IllegalArgumentException("concurrency queueLimit must be zero or more, got " + n);
    });
  }

  public static Concurrency of(String group, boolean cancelInProgress) {
    return new Concurrency(group, cancelInProgress, Optional.empty());
  }
}
