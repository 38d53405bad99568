package org.pipelinekit.core.spi;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Wraps every step the engine runs: measure it, audit it, add to its environment, or skip it. Interceptors
 * form a chain in registration order around the step; each calls one of the {@code proceed} methods at most
 * once (a second call fails the step naming the interceptor), or returns an exit of its own without
 * proceeding to skip the step. As in okhttp, an interceptor may hand the rest of the chain a changed
 * request: {@code chain.proceed(chain.request().orElseThrow() with other env)}. Work that belongs to the
 * whole job (before its first step, after its last) is a {@link JobInterceptor}'s.
 *
 * <p>The engine's own links come after the registered ones: the step timeout, then runner selection (the
 * first runner whose {@link Runner#cannotRun} is empty starts the request).
 */
public interface StepInterceptor {
  /** Names the interceptor in messages; two interceptors of one executor may not share an id. */
  String id();

  CompletionStage<StepExit> intercept(Chain chain);

  /** The rest of the chain. */
  interface Chain {
    StepContext context();

    /** What a runner will be asked to start, rendered; empty for an in-process {@link StepAction}, which has none. */
    Optional<StepRequest> request();

    /** Runs the rest of the chain and the step as it is. */
    CompletionStage<StepExit> proceed();

    /**
     * Runs the rest of the chain and the step with {@code request} in place of {@link #request()}.
     *
     * @throws IllegalArgumentException for an in-process action, which takes no request
     */
    CompletionStage<StepExit> proceed(StepRequest request);
  }
}
