package org.pipelinekit.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where cache entries live: an archive each, with metadata. Implementations must publish an entry
 * atomically (a reader never sees a partial one), let exactly one of two concurrent writers of the
 * same key win unless overwriting, and let readers that opened an entry finish reading it even if
 * it is deleted meanwhile. The filesystem default is {@link FileCacheStore}; every implementation's
 * tests extend {@code CacheStoreCompatibilityKit} (pipeline-cache's test-jar).
 */
public interface CacheStore {

  /** The entry with exactly this key, if any. */
  Optional<CacheEntry> find(String namespace, String key);

  /** Entries of the namespace whose key starts with {@code prefix}, newest first. */
  List<CacheEntry> findByPrefix(String namespace, String prefix);

  /** Every entry (for eviction sweeps). */
  List<CacheEntry> list();

  /**
   * The entry's archive; throws {@link java.nio.file.NoSuchFileException} when the entry is gone.
   */
  InputStream open(CacheEntry entry) throws IOException;

  /** Writes an archive. */
  @FunctionalInterface
  interface ArchiveWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Stores a new entry whose archive {@code writer} produces; computes its size and digest. When an
   * entry with the key exists and {@code overwrite} is false, nothing is stored and the result is
   * empty (also when a concurrent writer won).
   */
  Optional<CacheEntry> put(String namespace, String key, ArchiveWriter writer, Duration ttl, Optional<String> writtenBy,
      boolean overwrite) throws IOException;

  /** Records a use of the entry (last access and hit count); best effort. */
  void touch(CacheEntry entry, Instant at);

  /** Deletes the entry; returns whether it was there. Readers that already opened it may finish. */
  boolean delete(CacheEntry entry);
}
