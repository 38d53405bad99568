package org.pipelinekit.core.engine;

/** Ends a subscription; idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
