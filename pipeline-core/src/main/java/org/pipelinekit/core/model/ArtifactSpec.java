package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Files a stage's jobs store after they run (glob patterns), kept for {@code retention}: after a job succeeded, or as
 * {@code when} says. They are also what the stages after it find in their workspaces.
 */
public record ArtifactSpec(Optional<String> name, List<String> paths, Optional<Duration> retention, ArtifactWhen when) {
  public ArtifactSpec(Optional<String> name, List<String> paths, Optional<Duration> retention) {
    this(name, paths, retention, ArtifactWhen.ON_SUCCESS);
  }

  public ArtifactSpec {
    Checks.notNull(when, "artifact when");
    Checks.optionalText(name, "artifact name");
    paths = Checks.list(paths, "artifact paths");
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("artifacts need at least one path, e.g. target/*.jar");
    }
    Checks.optional(retention, "artifact retention").ifPresent(r -> Durations.requirePositive(r, "artifact retention"));
  }

  /**
   * Why {@code name} cannot name an artifact, or empty when it can: artifact names are printable, relative,
   * without {@code ..}, {@code .} or empty segments and at most 255 characters (they become paths in stores
   * and file names in downloads). The validator and every artifact store apply this one rule.
   */
  public static Optional<String> nameProblem(String name) {
    if (name.isBlank()) return Optional.of("it is empty");
    if (name.length() > 255) return Optional.of("it is longer than 255 characters");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) return Optional.of("it contains the control character U+" + String.format("%04X", (int) c));
      if (c == '\\') return Optional.of("it contains a backslash; use / to group names");
    }
    if (name.startsWith("/")) return Optional.of("it is an absolute path; use a relative name");
    for (String part : name.split("/", -1)) {
      if (part.equals("..")) return Optional.of("it climbs out with ..");
      if (part.isEmpty()) return Optional.of("it has an empty path segment");
      if (part.equals(".")) return Optional.of("it has a . segment");
    }
    return Optional.empty();
  }

  /** Configures artifacts: {@code artifacts(a -> a.path("target/*.jar").retention(Duration.ofDays(30)))}. */
  public static final class Builder {
    private Optional<String> name = Optional.empty();
    private final List<String> paths = new ArrayList<>();
    private Optional<Duration> retention = Optional.empty();
    private ArtifactWhen when = ArtifactWhen.ON_SUCCESS;

    public Builder() {}

    public Builder(ArtifactSpec from) {
      name = from.name;
      paths.addAll(from.paths);
      retention = from.retention;
      when = from.when;
    }

    /** Store after a job succeeded (the default), failed ({@code ON_FAILURE}: a failing test's reports), or either way. */
    public Builder when(ArtifactWhen when) {
      this.when = Checks.notNull(when, "artifact when");
      return this;
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
      return new ArtifactSpec(name, paths, retention, when);
    }
  }
}
