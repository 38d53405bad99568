package org.pipelinekit.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.files.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cache entries as directories under a root: {@code entries/<namespace>/<key>/} holds the archive
 * ({@code data}) and its metadata ({@code meta.json}), names being SHA-256 prefixes of the namespace
 * and key. An entry is written into {@code tmp/} and renamed into place, so it appears whole or not
 * at all, and a second writer's rename fails on the existing directory: exactly one wins. Deleting
 * renames the entry into {@code trash/} first; a reader holding the archive open reads on. Uses are
 * counted in {@code access/<namespace>/<key>.json}, replaced by rename too.
 */
public final class FileCacheStore implements CacheStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileCacheStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Path entries;
  private final Path access;
  private final Path tmp;
  private final Path trash;
  private final Clock clock;

  public FileCacheStore(Path root) {
    this(root, Clock.systemUTC());
  }

  public FileCacheStore(Path root, Clock clock) {
    this.root = root;
    this.entries = root.resolve("entries");
    this.access = root.resolve("access");
    this.tmp = root.resolve("tmp");
    this.trash = root.resolve("trash");
    this.clock = clock;
    try {
      for (Path d : List.of(entries, access, tmp, trash)) PrivateFiles.createDirectories(d);
      emptyTrash();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + root + " for the cache: " + FileErrors.describe(e), e);
    }
  }

  public Path root() {
    return root;
  }

  static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path dir(String namespace, String key) {
    return entries.resolve(hash(namespace)).resolve(hash(key));
  }

  private Path accessFile(String namespace, String key) {
    return access.resolve(hash(namespace)).resolve(hash(key) + ".json");
  }

  @Override
  public Optional<CacheEntry> find(String namespace, String key) {
    return read(dir(namespace, key)).filter(e -> e.key().equals(key) && e.namespace().equals(namespace));
  }

  @Override
  public List<CacheEntry> findByPrefix(String namespace, String prefix) {
    List<CacheEntry> out = new ArrayList<>();
    for (CacheEntry e : entriesIn(entries.resolve(hash(namespace)))) {
      if (e.namespace().equals(namespace) && e.key().startsWith(prefix)) out.add(e);
    }
    out.sort(Comparator.comparing(CacheEntry::created).reversed());
    return out;
  }

  @Override
  public List<CacheEntry> list() {
    List<CacheEntry> out = new ArrayList<>();
    try (Stream<Path> namespaces = Files.list(entries)) {
      for (Path ns : namespaces.toList()) out.addAll(entriesIn(ns));
    } catch (IOException e) {
      LOG.warn("cannot list cache entries under {}: {}", entries, e.getMessage());
    }
    return out;
  }

  private List<CacheEntry> entriesIn(Path namespaceDir) {
    if (!Files.isDirectory(namespaceDir)) return List.of();
    List<CacheEntry> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(namespaceDir)) {
      for (Path d : dirs.toList()) read(d).ifPresent(out::add);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", namespaceDir, e.getMessage());
    }
    return out;
  }

  private Optional<CacheEntry> read(Path dir) {
    JsonNode meta;
    try {
      meta = JSON.readTree(Files.readAllBytes(dir.resolve("meta.json")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("unreadable cache entry {}: {}", dir, e.getMessage());
      return Optional.empty();
    }
    String namespace = meta.path("namespace").asText();
    String key = meta.path("key").asText();
    Instant created = Instant.ofEpochMilli(meta.path("created").asLong());
    Instant last = created;
    long hits = 0;
    try {
      JsonNode a = JSON.readTree(Files.readAllBytes(accessFile(namespace, key)));
      last = Instant.ofEpochMilli(a.path("lastAccess").asLong());
      hits = a.path("hits").asLong();
    } catch (IOException e) {
      // never used, or being replaced: the creation time stands
    }
    return Optional.of(new CacheEntry(namespace, key, meta.path("size").asLong(), meta.path("digest").asText(), created, last, hits,
        Duration.ofMillis(meta.path("ttlMillis").asLong()),
        meta.hasNonNull("writtenBy") ? Optional.of(meta.get("writtenBy").asText()) : Optional.empty()));
  }

  @Override
  public InputStream open(CacheEntry entry) throws IOException {
    return Files.newInputStream(dir(entry.namespace(), entry.key()).resolve("data"));
  }

  @Override
  public Optional<CacheEntry> put(String namespace, String key, ArchiveWriter writer, Duration ttl, Optional<String> writtenBy,
      boolean overwrite) throws IOException {
    Path target = dir(namespace, key);
    if (!overwrite && Files.exists(target)) return Optional.empty();
    Path staging = Files.createDirectory(tmp.resolve(UUID.randomUUID().toString()));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long size;
      try (Counting out = new Counting(new BufferedOutputStream(Files.newOutputStream(staging.resolve("data")), 1 << 16), sha)) {
        writer.writeTo(out);
        out.flush();
        size = out.count;
      }
      Instant now = clock.instant();
      CacheEntry entry = new CacheEntry(namespace, key, size, "sha256:" + HexFormat.of().formatHex(sha.digest()), now, now, 0, ttl,
          writtenBy);
      ObjectNode meta = JSON.createObjectNode().put("namespace", namespace).put("key", key).put("size", size)
          .put("digest", entry.digest()).put("created", now.toEpochMilli()).put("ttlMillis", ttl.toMillis());
      writtenBy.ifPresent(b -> meta.put("writtenBy", b));
      Files.write(staging.resolve("meta.json"), JSON.writeValueAsBytes(meta));
      Files.createDirectories(target.getParent());
      if (overwrite) moveAside(target);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException lost) {
        // rename(2) onto the directory another writer published first fails (EEXIST/ENOTEMPTY)
        if (Files.exists(target)) return Optional.empty();
        throw lost;
      }
      writeAccess(namespace, key, now, 0);
      return Optional.of(entry);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      deleteTree(staging);
    }
  }

  @Override
  public void touch(CacheEntry entry, Instant at) {
    long hits = read(dir(entry.namespace(), entry.key())).map(CacheEntry::hits).orElse(entry.hits());
    try {
      writeAccess(entry.namespace(), entry.key(), at, hits + 1);
    } catch (IOException e) {
      LOG.debug("cannot record a use of cache entry {}: {}", entry.key(), e.getMessage());
    }
  }

  private void writeAccess(String namespace, String key, Instant at, long hits) throws IOException {
    Path file = accessFile(namespace, key);
    Files.createDirectories(file.getParent());
    Path temp = tmp.resolve(UUID.randomUUID() + ".json");
    Files.write(temp, JSON.writeValueAsBytes(JSON.createObjectNode().put("lastAccess", at.toEpochMilli()).put("hits", hits)));
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public boolean delete(CacheEntry entry) {
    boolean removed = moveAside(dir(entry.namespace(), entry.key()));
    try {
      Files.deleteIfExists(accessFile(entry.namespace(), entry.key()));
    } catch (IOException e) {
      LOG.debug("cannot delete the access record of {}: {}", entry.key(), e.getMessage());
    }
    emptyTrash();
    return removed;
  }

  /** Renames the entry directory into the trash (atomic: readers see it or not); false when absent. */
  private boolean moveAside(Path dir) {
    try {
      Files.move(dir, trash.resolve(UUID.randomUUID().toString()), StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove cache entry " + dir + ": " + e.getMessage(), e);
    }
  }

  private void emptyTrash() {
    try (Stream<Path> left = Files.list(trash)) {
      left.forEach(FileCacheStore::deleteTree);
    } catch (IOException e) {
      LOG.debug("cannot empty {}: {}", trash, e.getMessage());
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.debug("cannot delete {}: {}", dir, e.getMessage());
    }
  }

  /** Counts and digests what passes through. */
  private static final class Counting extends FilterOutputStream {
    private final MessageDigest sha;
    long count;

    Counting(OutputStream out, MessageDigest sha) {
      super(out);
      this.sha = sha;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      sha.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      sha.update(b, off, len);
      count += len;
    }
  }
}
