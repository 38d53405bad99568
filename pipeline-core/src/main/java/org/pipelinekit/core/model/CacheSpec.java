package org.pipelinekit.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A cache a stage restores before it runs and saves after it succeeds. {@code key} is a template
 * ({@code maven-${{ hashFiles('**}{@code /pom.xml') }}}); {@code restoreKeys} are prefixes tried in
 * order when the exact key misses.
 */
public record CacheSpec(String key, List<String> restoreKeys, List<String> paths, CacheScope scope, CachePolicy policy) {
  public CacheSpec(String key, List<String> restoreKeys, List<String> paths, CacheScope scope) {
    this(key, restoreKeys, paths, scope, CachePolicy.PULL_PUSH);
  }

  public CacheSpec {
    Checks.notNull(policy, "cache policy");
    Checks.notBlank(key, "cache key");
    restoreKeys = Checks.list(restoreKeys, "cache restoreKeys");
    paths = Checks.list(paths, "cache paths");
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("cache '" + key + "' needs at least one path");
    }
    Checks.notNull(scope, "cache scope");
  }

  /** Configures a cache: {@code cache(c -> c.key("m2-...").restoreKeys("m2-").path("~/.m2/repository"))}. */
  public static final class Builder {
    private String key;
    private final List<String> restoreKeys = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private CacheScope scope = CacheScope.BRANCH;
    private CachePolicy policy = CachePolicy.PULL_PUSH;

    public Builder() {}

    public Builder(CacheSpec from) {
      key = from.key;
      restoreKeys.addAll(from.restoreKeys);
      paths.addAll(from.paths);
      scope = from.scope;
      policy = from.policy;
    }

    /** Restore and save (the default), only restore ({@code PULL}: jobs that must not write it), or only save ({@code PUSH}). */
    public Builder policy(CachePolicy policy) {
      this.policy = Checks.notNull(policy, "cache policy");
      return this;
    }

    public Builder key(String key) {
      this.key = Checks.notBlank(key, "cache key");
      return this;
    }

    public Builder restoreKeys(String... prefixes) {
      for (String p : prefixes) restoreKeys.add(Checks.notBlank(p, "cache restore key"));
      return this;
    }

    public Builder path(String... paths) {
      for (String p : paths) this.paths.add(Checks.notBlank(p, "cache path"));
      return this;
    }

    public Builder scope(CacheScope scope) {
      this.scope = Checks.notNull(scope, "cache scope");
      return this;
    }

    public CacheSpec build() {
      if (key == null) {
        throw new IllegalArgumentException("a cache needs a key, e.g. key(\"deps-${{ hashFiles('**/lockfile') }}\")");
      }
      return new CacheSpec(key, restoreKeys, paths, scope, policy);
    }
  }
}
