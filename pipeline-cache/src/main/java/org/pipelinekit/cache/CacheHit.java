package org.pipelinekit.cache;

/** An entry a lookup found, and how: on the exact key, on the key as a prefix, or on a restore key. */
public record CacheHit(CacheEntry entry, Match match) {
  public enum Match {
    EXACT,
    KEY_PREFIX,
    RESTORE_KEY
  }

  public boolean exact() {
    return match == Match.EXACT;
  }
}
