package org.pipelinekit.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.cache.internal.Archive;
import org.pipelinekit.cache.internal.CacheInterceptor;
import org.pipelinekit.cache.internal.CacheStageMemo;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.spi.StageMemo;
import org.pipelinekit.core.spi.JobInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed caches over a {@link CacheStore}: look up with restore keys and scope
 * fallbacks, restore, save, evict.
 *
 * <p>Lookup ({@link #find}) goes through the scope's namespaces in order — for {@link
 * CacheScope#BRANCH} the run's branch, then the default branch, then the project; otherwise the
 * project or the global namespace — and in each tries the exact key, then the newest entry whose
 * key starts with the key, then each restore key in order as a prefix, newest first (GitHub Actions'
 * order). Expired entries do not count. With {@link Builder#protectedBranches}, a run on a protected
 * branch only uses entries written by protected branches, so a pull request cannot poison main.
 *
 * <p>Entries are immutable unless saved with {@code overwrite}; each lives until it has gone unused
 * for its TTL, and {@link #sweep} also keeps each scope under its size quota, least recently used
 * first.
 */
public final class CacheManager {
  private static final Logger LOG = LoggerFactory.getLogger(CacheManager.class);

  private final CacheStore store;
  private final Clock clock;
  private final String defaultBranch;
  private final Duration defaultTtl;
  private final Map<CacheScope, Long> quotas;
  private final List<Pattern> protectedBranches;

  private CacheManager(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.defaultBranch = b.defaultBranch;
    this.defaultTtl = b.defaultTtl;
    this.quotas = Map.copyOf(b.quotas);
    this.protectedBranches = List.copyOf(b.protectedBranches);
  }

  public static Builder builder(CacheStore store) {
    return new Builder(store);
  }

  public CacheStore store() {
    return store;
  }

  /**
   * The engine hook: add it with {@code PipelineExecutor.builder().interceptor(cache.interceptor())}
   * and every stage's {@code cache:} is restored before its first step and saved after it succeeds,
   * with a {@code CacheUsed} event each time.
   */
  public JobInterceptor interceptor() {
    return new CacheInterceptor(this);
  }

  /**
   * Where memoized stages keep their results: {@code PipelineExecutor.builder().stageMemo(cache.stageMemo())}.
   * Results live in this manager's store under {@code memo:<pipeline>} with its default TTL.
   */
  public StageMemo stageMemo() {
    return new CacheStageMemo(store, clock, defaultTtl);
  }

  public Clock clock() {
    return clock;
  }

  /**
   * A key from arbitrary inputs and a version: SHA-256 over the version and the inputs sorted by
   * name, so the same inputs always give the same key and any change gives another.
   */
  public static String calculateCacheKey(Map<String, ?> inputs, String version) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(version.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, ?> e : new TreeMap<>(inputs).entrySet()) {
        sha.update((byte) 0);
        sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '=');
        sha.update(String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- namespaces ----

  static String namespace(CacheScope scope, String project, @Nullable String branch) {
    return switch (scope) {
      case GLOBAL -> "global";
      case PROJECT -> "project:" + project;
      case BRANCH -> branch == null ? "project:" + project : "branch:" + project + ":" + branch;
    };
  }

  /** The namespaces a lookup goes through, in order. */
  List<String> lookupOrder(CacheContext ctx, CacheScope scope) {
    Set<String> out = new LinkedHashSet<>();
    if (scope == CacheScope.BRANCH) {
      ctx.branch().ifPresent(b -> out.add(namespace(CacheScope.BRANCH, ctx.project(), b)));
      out.add(namespace(CacheScope.BRANCH, ctx.project(), defaultBranch));
      out.add(namespace(CacheScope.PROJECT, ctx.project(), null));
    } else {
      out.add(namespace(scope, ctx.project(), null));
    }
    return List.copyOf(out);
  }

  /** The namespace a save writes to. */
  String saveNamespace(CacheContext ctx, CacheScope scope) {
    return namespace(scope, ctx.project(), ctx.branch().orElse(null));
  }

  boolean isProtected(@Nullable String branch) {
    return branch != null && protectedBranches.stream().anyMatch(p -> p.matcher(branch).matches());
  }

  // ---- lookup and restore ----

  /** Every entry a lookup would consider, best first (see the class comment for the order). */
  public List<CacheHit> candidates(CacheContext ctx, String key, List<String> restoreKeys, CacheScope scope) {
    Instant now = clock.instant();
    boolean isolated = isProtected(ctx.branch().orElse(null));
    List<CacheHit> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (String ns : lookupOrder(ctx, scope)) {
      List<CacheHit> here = new ArrayList<>();
      store.find(ns, key).ifPresent(e -> here.add(new CacheHit(e, CacheHit.Match.EXACT)));
      store.findByPrefix(ns, key).forEach(e -> here.add(new CacheHit(e, CacheHit.Match.KEY_PREFIX)));
      for (String prefix : restoreKeys) store.findByPrefix(ns, prefix).forEach(e -> here.add(new CacheHit(e, CacheHit.Match.RESTORE_KEY)));
      for (CacheHit h : here) {
        CacheEntry e = h.entry();
        if (e.expiredAt(now)) continue;
        if (isolated && !isProtected(e.writtenBy().orElse(null))) continue;
        if (seen.add(e.namespace() + "\u0000" + e.key())) out.add(h);
      }
    }
    return out;
  }

  /** The best entry for the key, without restoring it. */
  public Optional<CacheHit> find(CacheContext ctx, String key, List<String> restoreKeys, CacheScope scope) {
    return candidates(ctx, key, restoreKeys, scope).stream().findFirst();
  }

  /** What a restore did. */
  public record Restored(CacheHit hit, long files, long bytes, Duration took) {}

  /**
   * Restores the best entry into the targets (the i-th saved path into {@code targets[i]}). An
   * entry whose archive does not match its digest is deleted and the next candidate tried; empty
   * when nothing usable is found.
   */
  public Optional<Restored> restore(CacheContext ctx, String key, List<String> restoreKeys, CacheScope scope, List<Path> targets) {
    for (CacheHit hit : candidates(ctx, key, restoreKeys, scope)) {
      long start = System.nanoTime();
      try {
        if (!verify(hit.entry())) {
          LOG.warn("cache entry {} ({}) does not match its digest; deleting it", hit.entry().key(), hit.entry().namespace());
          store.delete(hit.entry());
          continue;
        }
        long files;
        try (InputStream in = store.open(hit.entry())) {
          files = Archive.unpack(in, targets);
        }
        store.touch(hit.entry(), clock.instant());
        return Optional.of(new Restored(hit, files, hit.entry().size(), Duration.ofNanos(System.nanoTime() - start)));
      } catch (NoSuchFileException gone) {
        // evicted or replaced between the lookup and now: try the next one
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restore cache " + hit.entry().key() + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /** Whether the stored archive still has the digest it was saved with. */
  boolean verify(CacheEntry entry) throws IOException {
    try (InputStream in = new DigestInputStream(store.open(entry), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 17];
      while (in.read(buf) > 0) {
        // digesting
      }
      String actual = "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
      return actual.equals(entry.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- save ----

  /** How to save: TTL (default the manager's) and whether an existing entry may be replaced. */
  public record SaveOptions(Optional<Duration> ttl, boolean overwrite) {
    public static final SaveOptions DEFAULT = new SaveOptions(Optional.empty(), false);

    public SaveOptions {
      Objects.requireNonNull(ttl, "ttl");
    }
  }

  /** What a save did: the entry it stored, or empty when the key existed (immutable) or a concurrent save won. */
  public record Saved(Optional<CacheEntry> entry, Duration took) {
    public boolean stored() {
      return entry.isPresent();
    }
  }

  /** Archives the paths (missing ones are skipped) under the key in the scope's namespace. */
  public Saved save(CacheContext ctx, String key, List<Path> paths, CacheScope scope, SaveOptions options) {
    long start = System.nanoTime();
    try {
      Optional<CacheEntry> e = store.put(saveNamespace(ctx, scope), key, out -> Archive.pack(paths, out),
          options.ttl().orElse(defaultTtl), ctx.branch(), options.overwrite());
      return new Saved(e, Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save cache " + key + ": " + e.getMessage(), e);
    }
  }

  // ---- eviction ----

  /** What a sweep removed. */
  public record Swept(int expired, int overQuota, long bytesFreed) {}

  /**
   * Deletes expired entries, then, per scope with a quota, the least recently used entries until
   * the scope fits. Safe beside restores and saves: a restore that already opened an entry finishes
   * it; one that has not sees a miss.
   */
  public Swept sweep() {
    Instant now = clock.instant();
    int expired = 0;
    int over = 0;
    long freed = 0;
    List<CacheEntry> live = new ArrayList<>();
    for (CacheEntry e : store.list()) {
      if (e.expiredAt(now)) {
        if (store.delete(e)) {
          expired++;
          freed += e.size();
        }
      } else {
        live.add(e);
      }
    }
    Map<CacheScope, List<CacheEntry>> byScope = new EnumMap<>(CacheScope.class);
    for (CacheEntry e : live) byScope.computeIfAbsent(scopeOf(e.namespace()), s -> new ArrayList<>()).add(e);
    for (Map.Entry<CacheScope, List<CacheEntry>> s : byScope.entrySet()) {
      Long quota = quotas.get(s.getKey());
      if (quota == null) continue;
      List<CacheEntry> entries = new ArrayList<>(s.getValue());
      long total = entries.stream().mapToLong(CacheEntry::size).sum();
      entries.sort(Comparator.comparing(CacheEntry::lastAccess).thenComparing(CacheEntry::created));
      for (CacheEntry e : entries) {
        if (total <= quota) break;
        if (store.delete(e)) {
          over++;
          freed += e.size();
        }
        total -= e.size();
      }
    }
    return new Swept(expired, over, freed);
  }

  static CacheScope scopeOf(String namespace) {
    if (namespace.startsWith("branch:")) return CacheScope.BRANCH;
    if (namespace.startsWith("project:")) return CacheScope.PROJECT;
    return CacheScope.GLOBAL;
  }

  public static final class Builder {
    private final CacheStore store;
    private Clock clock = Clock.systemUTC();
    private String defaultBranch = "main";
    private Duration defaultTtl = Duration.ofDays(7);
    private final Map<CacheScope, Long> quotas = new EnumMap<>(CacheScope.class);
    private final List<Pattern> protectedBranches = new ArrayList<>();

    private Builder(CacheStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The branch BRANCH-scoped lookups fall back to (default {@code main}). */
    public Builder defaultBranch(String branch) {
      this.defaultBranch = Objects.requireNonNull(branch, "branch");
      return this;
    }

    /** How long an entry lives unused unless saved with its own TTL (default 7 days). */
    public Builder defaultTtl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("the cache TTL must be positive, got " + ttl);
      this.defaultTtl = ttl;
      return this;
    }

    /** The most bytes of archives a scope keeps; {@link #sweep} evicts the least recently used beyond it. */
    public Builder quota(CacheScope scope, long bytes) {
      if (bytes < 0) throw new IllegalArgumentException("a cache quota cannot be negative, got " + bytes);
      quotas.put(scope, bytes);
      return this;
    }

    /**
     * Branch patterns ({@code main}, {@code release/*}) whose runs only restore entries that protected
     * branches wrote.
     */
    public Builder protectedBranches(String... patterns) {
      for (String p : patterns) {
        protectedBranches.add(Pattern.compile(Pattern.quote(p).replace("*", "\\E.*\\Q")));
      }
      return this;
    }

    public CacheManager build() {
      return new CacheManager(this);
    }
  }
}
