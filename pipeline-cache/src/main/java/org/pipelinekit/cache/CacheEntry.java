package org.pipelinekit.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored cache entry: its namespace (which scope, project and branch it belongs to), key, the
 * size and SHA-256 digest of its archive, when it was made, last used and how often, how long it
 * lives unused, and the branch that wrote it.
 */
public record CacheEntry(
    String namespace,
    String key,
    long size,
    String digest,
    Instant created,
    Instant lastAccess,
    long hits,
    Duration ttl,
    Optional<String> writtenBy) {

  public CacheEntry {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(lastAccess, "lastAccess");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(writtenBy, "writtenBy");
  }

  /** Whether it has gone unused for longer than its TTL at {@code now}. */
  public boolean expiredAt(Instant now) {
    return lastAccess.plus(ttl).isBefore(now);
  }
}
