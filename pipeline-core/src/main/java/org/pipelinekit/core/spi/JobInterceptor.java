package org.pipelinekit.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * Wraps each attempt of each job, around all of its steps: restore a cache before them and save it after
 * they succeeded, put back the artifacts of the needed stages and store the job's own, look up a memoized
 * result. Interceptors form a chain in registration order; each calls {@link Chain#proceed()} at most
 * once (a second call fails the attempt naming the interceptor), or returns an exit of its own without
 * proceeding, and no step runs. What happens after {@code proceed()} sees how the steps ended, failures
 * included, so nothing is left half-done when a job fails before its last step. A retry is a new attempt
 * and goes through the chain again.
 *
 * <p>The engine's own job concerns are links of this chain, outermost first: the attempt timeout, then
 * the memo; the registered interceptors come after them, then the steps, each through the
 * {@link StepInterceptor} chain.
 */
public interface JobInterceptor {
  /** Names the interceptor in messages; two interceptors of one executor may not share an id. */
  String id();

  CompletionStage<JobExit> intercept(Chain chain);

  /** The rest of the chain. */
  interface Chain {
    JobContext context();

    /** Runs the rest of the chain and the job's steps. */
    CompletionStage<JobExit> proceed();
  }
}
