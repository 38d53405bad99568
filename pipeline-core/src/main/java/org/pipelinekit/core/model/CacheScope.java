package org.pipelinekit.core.model;

import java.util.Locale;

/** Who shares a cache entry. */
public enum CacheScope {
  /** The execution's branch, falling back to the default branch, then the project. */
  BRANCH,
  /** Every branch of the pipeline's project. */
  PROJECT,
  /** Every pipeline of the host. */
  GLOBAL;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CacheScope fromId(String id) {
    for (CacheScope s : values()) {
      if (s.id().equals(id)) return s;
    }
    throw new IllegalArgumentException("'" + id + "' is not a cache scope; use branch, project or global");
  }
}
