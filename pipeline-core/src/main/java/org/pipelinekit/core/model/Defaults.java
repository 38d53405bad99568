package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.Optional;

/** What every stage gets unless it says otherwise. */
public record Defaults(Optional<Duration> timeout, Optional<RetryPolicy> retry, Optional<Resources> resources) {
  public static final Defaults NONE = new Defaults(Optional.empty(), Optional.empty(), Optional.empty());

  public Defaults {
    Checks.optional(timeout, "defaults timeout").ifPresent(t -> Durations.requirePositive(t, "defaults timeout"));
    Checks.optional(retry, "defaults retry");
    Checks.optional(resources, "defaults resources");
  }

  public boolean isEmpty() {
    return timeout.isEmpty() && retry.isEmpty() && resources.isEmpty();
  }

  /** Configures defaults: {@code defaults(d -> d.timeout(Duration.ofMinutes(30)).retry(1))}. */
  public static final class Builder {
    private Optional<Duration> timeout = Optional.empty();
    private Optional<RetryPolicy> retry = Optional.empty();
    private Optional<Resources> resources = Optional.empty();

    public Builder() {}

    public Builder(Defaults from) {
      timeout = from.timeout;
      retry = from.retry;
      resources = from.resources;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Optional.of(Durations.requirePositive(timeout, "defaults timeout"));
      return this;
    }

    public Builder retry(int limit) {
      this.retry = Optional.of(RetryPolicy.of(limit));
      return this;
    }

    public Builder retry(Action<RetryPolicy.Builder> configure) {
      RetryPolicy.Builder b = new RetryPolicy.Builder();
      configure.execute(b);
      this.retry = Optional.of(b.build());
      return this;
    }

    public Builder resources(String cpu, String memory) {
      this.resources = Optional.of(Resources.of(cpu, memory));
      return this;
    }

    public Builder resources(Resources resources) {
      this.resources = Optional.of(Checks.notNull(resources, "defaults resources"));
      return this;
    }

    public Defaults build() {
      return new Defaults(timeout, retry, resources);
    }
  }
}
