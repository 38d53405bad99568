package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.Optional;

/**
 * What a stage's jobs run with, resolved once: the stage's own value, else the pipeline's default
 * ({@code defaults:}); resources field by field (a stage that sets only cpu keeps the default
 * memory). The plan carries it for every stage; the engine, the validator and the exporters read it
 * here instead of deriving it again.
 */
public record EffectiveSettings(Optional<Duration> timeout, RetryPolicy retry, Optional<Resources> resources) {
  public EffectiveSettings {
    Checks.optional(timeout, "timeout");
    java.util.Objects.requireNonNull(retry, "retry");
    Checks.optional(resources, "resources");
  }

  public static EffectiveSettings of(Pipeline pipeline, Stage stage) {
    Defaults d = pipeline.defaults();
    Optional<Resources> resources = merge(stage.resources(), d.resources());
    return new EffectiveSettings(stage.timeout().or(d::timeout), stage.retry().or(d::retry).orElse(RetryPolicy.NONE), resources);
  }

  private static Optional<Resources> merge(Optional<Resources> own, Optional<Resources> fallback) {
    if (own.isEmpty()) return fallback;
    if (fallback.isEmpty()) return own;
    Resources r = new Resources(own.get().cpuMillicores().or(() -> fallback.get().cpuMillicores()),
        own.get().memoryBytes().or(() -> fallback.get().memoryBytes()));
    return Optional.of(r);
  }
}
