package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Files a stage uploads after it runs (glob patterns), kept for {@code retention}. */
public record ArtifactSpec(Optional<String> name, List<String> paths, Optional<Duration> retention) {
  public ArtifactSpec {
    Checks.optionalText(name, "artifact name");
    paths = Checks.list(paths, "artifact paths");
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("artifacts need at least one path, e.g. target/*.jar");
    }
    Checks.optional(retention, "artifact retention").ifPresent(r -> Durations.requirePositive(r, "artifact retention"));
  }

  /** Configures artifacts: {@code artifacts(a -> a.path("target/*.jar").retention(Duration.ofDays(30)))}. */
  public static final class Builder {
    private Optional<String> name = Optional.empty();
    private final List<String> paths = new ArrayList<>();
    private Optional<Duration> retention = Optional.empty();

    public Builder() {}

    public Builder(ArtifactSpec from) {
      name = from.name;
      paths.addAll(from.paths);
      retention = from.retention;
    }

    public Builder name(String name) {
      this.name = Optional.of(Checks.notBlank(name, "artifact name"));
      return this;
    }

    public Builder path(String... paths) {
      for (String p : paths) this.paths.add(Checks.notBlank(p, "artifact path"));
      return this;
    }

    public Builder retention(Duration retention) {
      this.retention = Optional.of(Durations.requirePositive(retention, "artifact retention"));
      return this;
    }

    public ArtifactSpec build() {
      return new ArtifactSpec(name, paths, retention);
    }
  }
}
