package org.pipelinekit.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * Wraps every step the engine runs: restore a cache before the first step of a stage, upload
 * artifacts after the last, measure, audit. Interceptors form a chain in registration order around
 * the step; each calls {@link Chain#proceed()} at most once (the engine throws on a second call),
 * or returns a result of its own without proceeding to skip the step.
 */
public interface StepInterceptor {
  String id();

  CompletionStage<StepExit> intercept(Chain chain);

  /** The rest of the chain. */
  interface Chain {
    StepContext context();

    /** Runs the rest of the chain and the step itself. */
    CompletionStage<StepExit> proceed();
  }
}
