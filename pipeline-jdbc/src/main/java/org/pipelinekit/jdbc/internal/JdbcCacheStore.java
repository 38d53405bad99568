package org.pipelinekit.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.pipelinekit.cache.CacheEntry;
import org.pipelinekit.cache.CacheStore;
import org.pipelinekit.core.files.PrivateFiles;

/**
 * Caches for hosts that share a database: an entry's record in {@code pk_cache_entry}, its archive a file of its own in a
 * directory all hosts mount. A put writes the archive first under a fresh name, then inserts the record (or replaces it
 * with {@code overwrite}) in one statement: of two hosts writing one key at once exactly one wins and the other's file is
 * removed, and a reader never sees a record before its whole archive. A delete removes the record, then the file; a
 * reader that opened it reads it whole.
 */
public final class JdbcCacheStore implements CacheStore {
  private static final String COLUMNS = "namespace, key, size, digest, created, last_access, hits, ttl_millis, written_by, file";
  private final Database db;
  private final org.pipelinekit.cache.ArchiveStore archives;
  private final Clock clock;

  public JdbcCacheStore(Database db, org.pipelinekit.cache.ArchiveStore archives, Clock clock) {
    this.db = db;
    this.archives = archives;
    this.clock = clock;
  }

  private static CacheEntry read(ResultSet r) throws SQLException {
    return new CacheEntry(r.getString("namespace"), r.getString("key"), r.getLong("size"), r.getString("digest"),
        r.getTimestamp("created").toInstant(), r.getTimestamp("last_access").toInstant(), r.getLong("hits"),
        Duration.ofMillis(r.getLong("ttl_millis")), Optional.ofNullable(r.getString("written_by")));
  }

  @Override
  public Optional<CacheEntry> find(String namespace, String key) {
    return db.one("read cache entry " + key, "SELECT " + COLUMNS + " FROM pk_cache_entry WHERE namespace = ? AND key = ?", s -> {
      s.setString(1, namespace);
      s.setString(2, key);
    }, JdbcCacheStore::read);
  }

  @Override
  public List<CacheEntry> findByPrefix(String namespace, String prefix) {
    return db.query("read cache entries " + prefix + "*", "SELECT " + COLUMNS + " FROM pk_cache_entry WHERE namespace = ?"
        + " AND starts_with(key, ?) ORDER BY created DESC, key", s -> {
          s.setString(1, namespace);
          s.setString(2, prefix);
        }, JdbcCacheStore::read);
  }

  @Override
  public List<CacheEntry> list() {
    return db.query("list the cache entries", "SELECT " + COLUMNS + " FROM pk_cache_entry ORDER BY namespace, key", s -> { },
        JdbcCacheStore::read);
  }

  private Optional<String> file(CacheEntry entry) {
    return db.one("find the archive of cache entry " + entry.key(), "SELECT file FROM pk_cache_entry WHERE namespace = ? AND key = ?"
        + " AND digest = ?", s -> {
          s.setString(1, entry.namespace());
          s.setString(2, entry.key());
          s.setString(3, entry.digest());
        }, r -> r.getString(1));
  }

  @Override
  public InputStream open(CacheEntry entry) throws IOException {
    Optional<String> file = file(entry);
    if (file.isEmpty()) throw new NoSuchFileException(entry.namespace() + "/" + entry.key());
    return archives.open(file.get());
  }

  @Override
  public Optional<CacheEntry> put(String namespace, String key, ArchiveWriter writer, Duration ttl, Optional<String> writtenBy,
      boolean overwrite) throws IOException {
    if (!overwrite && find(namespace, key).isPresent()) return Optional.empty();
    String name = UUID.randomUUID() + ".archive";
    Path file = archives.newFile();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
      writer.writeTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    Instant now = clock.instant();
    long size = Files.size(file);
    archives.store(name, file); // whole before its record names it
    CacheEntry entry = new CacheEntry(namespace, key, size, "sha256:" + HexFormat.of().formatHex(sha.digest()), now, now, 0, ttl,
        writtenBy);
    Optional<String> old = overwrite ? db.one("find the archive replaced", "SELECT file FROM pk_cache_entry WHERE namespace = ? AND key = ?",
        s -> {
          s.setString(1, namespace);
          s.setString(2, key);
        }, r -> r.getString(1)) : Optional.empty();
    int stored = db.update("store cache entry " + key, "INSERT INTO pk_cache_entry (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
        + (overwrite ? " ON CONFLICT (namespace, key) DO UPDATE SET size = EXCLUDED.size, digest = EXCLUDED.digest, created = EXCLUDED.created,"
            + " last_access = EXCLUDED.last_access, hits = 0, ttl_millis = EXCLUDED.ttl_millis, written_by = EXCLUDED.written_by, file = EXCLUDED.file"
            : " ON CONFLICT (namespace, key) DO NOTHING"), s -> {
          s.setString(1, namespace);
          s.setString(2, key);
          s.setLong(3, entry.size());
          s.setString(4, entry.digest());
          s.setTimestamp(5, Timestamp.from(now));
          s.setTimestamp(6, Timestamp.from(now));
          s.setLong(7, ttl.toMillis());
          s.setString(8, writtenBy.orElse(null));
          s.setString(9, name);
        });
    if (stored == 0) { // another host stored this key first: entries are immutable
      archives.delete(name);
      return Optional.empty();
    }
    if (old.isPresent() && !old.get().equals(name)) archives.delete(old.get());
    return Optional.of(entry);
  }

  @Override
  public void touch(CacheEntry entry, Instant at) {
    db.update("note a use of cache entry " + entry.key(), "UPDATE pk_cache_entry SET last_access = ?, hits = hits + 1"
        + " WHERE namespace = ? AND key = ?", s -> {
          s.setTimestamp(1, Timestamp.from(at));
          s.setString(2, entry.namespace());
          s.setString(3, entry.key());
        });
  }

  @Override
  public boolean delete(CacheEntry entry) {
    Optional<String> file = db.one("delete cache entry " + entry.key(), "DELETE FROM pk_cache_entry WHERE namespace = ? AND key = ? AND digest = ?"
        + " RETURNING file", s -> {
          s.setString(1, entry.namespace());
          s.setString(2, entry.key());
          s.setString(3, entry.digest());
        }, r -> r.getString(1));
    file.ifPresent(f -> {
      try {
        archives.delete(f); // a reader that opened it keeps reading it
      } catch (IOException e) {
        // left for a sweep: the record is gone, so nobody finds it
      }
    });
    return file.isPresent();
  }
}
