package org.pipelinekit.core.model;

import java.util.Locale;

/** What a job does with a cache: restore it and save it (the default), only restore it, or only save it. */
public enum CachePolicy {
  PULL_PUSH,
  PULL,
  PUSH;

  /** {@code pull-push}, {@code pull}, {@code push}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static CachePolicy fromId(String id) {
    for (CachePolicy p : values()) {
      if (p.id().equals(id)) return p;
    }
    throw new IllegalArgumentException("'" + id + "' is not a cache policy; use pull-push, pull or push");
  }

  public boolean restores() {
    return this != PUSH;
  }

  public boolean saves() {
    return this != PULL;
  }
}
