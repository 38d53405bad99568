package org.pipelinekit.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.testing.MutableClock;

class CacheManagerTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  FileCacheStore store;
  CacheManager cache;

  @BeforeEach
  void open() {
    store = new FileCacheStore(dir.resolve("store"), clock);
    cache = CacheManager.builder(store).clock(clock).defaultBranch("main").build();
  }

  private Path tree(String name, String content) throws IOException {
    Path root = Files.createDirectories(dir.resolve("trees").resolve(name));
    Files.writeString(root.resolve("content.txt"), content);
    return root;
  }

  private void saved(String branch, CacheScope scope, String key) throws IOException {
    Path t = tree(key + "-" + branch + "-" + scope, key);
    assertThat(cache.save(CacheContext.of("app", branch), key, List.of(t), scope, CacheManager.SaveOptions.DEFAULT).stored()).isTrue();
    clock.advance(Duration.ofMinutes(1)); // each entry newer than the one before
  }

  /**
   * The restore-key precedence table. Entries (oldest first): feature: deps-linux-aaa, main:
   * deps-linux-ccc, feature: deps-linux-bbb, project: deps-linux-ddd, project: tools-1.
   */
  @ParameterizedTest(name = "{0}: key {1}, restore keys [{2}], scope {3} -> {4} ({5})")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      feature | deps-linux-aaa | -                   | BRANCH  | deps-linux-aaa | EXACT
      feature | deps-linux-    | -                   | BRANCH  | deps-linux-bbb | KEY_PREFIX
      feature | deps-linux-zzz | deps-linux-         | BRANCH  | deps-linux-bbb | RESTORE_KEY
      feature | deps-mac-x     | deps-mac-;deps-     | BRANCH  | deps-linux-bbb | RESTORE_KEY
      feature | deps-linux-ccc | -                   | BRANCH  | deps-linux-ccc | EXACT
      hotfix  | deps-linux-ccc | -                   | BRANCH  | deps-linux-ccc | EXACT
      hotfix  | deps-linux-zzz | deps-linux-         | BRANCH  | deps-linux-ccc | RESTORE_KEY
      hotfix  | tools-         | -                   | BRANCH  | tools-1        | KEY_PREFIX
      -       | deps-linux-zzz | deps-               | BRANCH  | deps-linux-ccc | RESTORE_KEY
      feature | deps-linux-zzz | deps-               | PROJECT | deps-linux-ddd | RESTORE_KEY
      feature | deps-linux-aaa | -                   | PROJECT | -              | -
      feature | nothing        | other-              | BRANCH  | -              | -
      """)
  void restoreKeyPrecedence(String branch, String key, String restoreKeys, CacheScope scope, String expected, String match)
      throws IOException {
    saved("feature", CacheScope.BRANCH, "deps-linux-aaa");
    saved("main", CacheScope.BRANCH, "deps-linux-ccc");
    saved("feature", CacheScope.BRANCH, "deps-linux-bbb");
    saved("feature", CacheScope.PROJECT, "deps-linux-ddd");
    saved("feature", CacheScope.PROJECT, "tools-1");
    List<String> restore = restoreKeys == null ? List.of() : List.of(restoreKeys.split(";"));
    Optional<CacheHit> hit = cache.find(new CacheContext("app", Optional.ofNullable(branch)), key, restore, scope);
    if (expected == null) {
      assertThat(hit).isEmpty();
    } else {
      assertThat(hit).isPresent();
      assertThat(hit.get().entry().key()).isEqualTo(expected);
      assertThat(hit.get().match().name()).isEqualTo(match);
    }
  }

  @Test
  void aProtectedBranchOnlyRestoresWhatProtectedBranchesWrote() throws IOException {
    cache = CacheManager.builder(store).clock(clock).protectedBranches("main", "release/*").build();
    saved("feature", CacheScope.PROJECT, "deps-1");
    assertThat(cache.find(CacheContext.of("app", "main"), "deps-1", List.of(), CacheScope.PROJECT)).isEmpty();
    assertThat(cache.find(CacheContext.of("app", "feature"), "deps-1", List.of(), CacheScope.PROJECT)).isPresent();
    saved("release/2.0", CacheScope.PROJECT, "deps-2");
    assertThat(cache.find(CacheContext.of("app", "main"), "deps-", List.of(), CacheScope.PROJECT).orElseThrow().entry().key())
        .isEqualTo("deps-2");
  }

  @Test
  void entriesExpireAfterTheirTtlUnused_andUseKeepsThemAlive() throws IOException {
    CacheContext ctx = CacheContext.of("app", "main");
    Path src = tree("ttl", "x");
    cache.save(ctx, "short", List.of(src), CacheScope.BRANCH, new CacheManager.SaveOptions(Optional.of(Duration.ofHours(1)), false));
    cache.save(ctx, "used", List.of(src), CacheScope.BRANCH, new CacheManager.SaveOptions(Optional.of(Duration.ofHours(1)), false));
    clock.advance(Duration.ofMinutes(50));
    assertThat(cache.restore(ctx, "used", List.of(), CacheScope.BRANCH, List.of(dir.resolve("out1")))).isPresent();
    clock.advance(Duration.ofMinutes(20)); // 70 min after saving, 20 after the last use
    assertThat(cache.find(ctx, "short", List.of(), CacheScope.BRANCH)).isEmpty();
    assertThat(cache.find(ctx, "used", List.of(), CacheScope.BRANCH)).isPresent();
    CacheManager.Swept swept = cache.sweep();
    assertThat(swept.expired()).isEqualTo(1);
    assertThat(store.list()).extracting(CacheEntry::key).containsExactly("used");
  }

  @Test
  void aQuotaEvictsTheLeastRecentlyUsedFirst() throws IOException {
    CacheContext ctx = CacheContext.of("app", "main");
    byte[] noise = new byte[200_000];
    for (String k : List.of("a", "b", "c")) {
      new Random(k.hashCode()).nextBytes(noise);
      Path t = Files.createDirectories(dir.resolve("lru-" + k));
      Files.write(t.resolve("noise.bin"), noise);
      cache.save(ctx, k, List.of(t), CacheScope.BRANCH, CacheManager.SaveOptions.DEFAULT);
      clock.advance(Duration.ofMinutes(1));
    }
    cache.restore(ctx, "a", List.of(), CacheScope.BRANCH, List.of(dir.resolve("use-a"))); // a is now the most recent
    long one = store.find("branch:app:main", "b").orElseThrow().size();
    cache = CacheManager.builder(store).clock(clock).quota(CacheScope.BRANCH, 2 * one + one / 2).build();
    CacheManager.Swept swept = cache.sweep();
    assertThat(swept.overQuota()).isEqualTo(1);
    assertThat(store.list()).extracting(CacheEntry::key).containsExactlyInAnyOrder("a", "c");
  }

  @Test
  void aCorruptedEntryIsDetectedByItsDigest_deleted_andTreatedAsAMiss() throws IOException {
    CacheContext ctx = CacheContext.of("app", "main");
    cache.save(ctx, "deps-old", List.of(tree("old", "old")), CacheScope.BRANCH, CacheManager.SaveOptions.DEFAULT);
    clock.advance(Duration.ofMinutes(1));
    cache.save(ctx, "deps-new", List.of(tree("new", "new")), CacheScope.BRANCH, CacheManager.SaveOptions.DEFAULT);
    Path data;
    try (Stream<Path> files = Files.walk(store.root().resolve("entries"))) {
      data = files.filter(p -> p.getFileName().toString().equals("data"))
          .filter(p -> {
            try {
              return Files.readString(p.resolveSibling("meta.json")).contains("deps-new");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    Path out = dir.resolve("restored");
    Optional<CacheManager.Restored> r = cache.restore(ctx, "deps-new", List.of("deps-"), CacheScope.BRANCH, List.of(out));
    assertThat(r).isPresent();
    assertThat(r.get().hit().entry().key()).as("the corrupt entry is skipped for the next candidate").isEqualTo("deps-old");
    assertThat(Files.readString(out.resolve("content.txt"))).isEqualTo("old");
    assertThat(store.find("branch:app:main", "deps-new")).as("the corrupt entry is deleted").isEmpty();
  }

  @Test
  void symlinksPermissionsTimesAndEmptyDirectoriesSurviveARoundTrip() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path sub = Files.createDirectories(src.resolve("sub"));
    Files.writeString(sub.resolve("tool.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(sub.resolve("tool.sh"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.writeString(src.resolve("readonly.txt"), "ro");
    Files.setPosixFilePermissions(src.resolve("readonly.txt"), PosixFilePermissions.fromString("r--r--r--"));
    Files.createDirectories(src.resolve("empty/nested-empty"));
    Files.setPosixFilePermissions(src.resolve("empty"), PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(src.resolve("relative-link"), Path.of("sub/tool.sh"));
    Files.createSymbolicLink(src.resolve("absolute-link"), Path.of("/etc/hostname"));
    Files.createSymbolicLink(src.resolve("dangling-link"), Path.of("does/not/exist"));
    FileTime old = FileTime.from(Instant.parse("2020-05-05T05:05:05Z"));
    Files.setLastModifiedTime(sub.resolve("tool.sh"), old);
    Path other = Files.writeString(Files.createDirectories(dir.resolve("second")).resolve("b.txt"), "second path");

    CacheContext ctx = CacheContext.of("app", "main");
    cache.save(ctx, "fidelity", List.of(src, other.getParent()), CacheScope.BRANCH, CacheManager.SaveOptions.DEFAULT);
    Path out = dir.resolve("out");
    Path out2 = dir.resolve("out2");
    cache.restore(ctx, "fidelity", List.of(), CacheScope.BRANCH, List.of(out, out2)).orElseThrow();

    assertThat(Files.readString(out.resolve("sub/tool.sh"))).isEqualTo("#!/bin/sh\necho hi\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("sub/tool.sh")))).isEqualTo("rwxr-x---");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("readonly.txt")))).isEqualTo("r--r--r--");
    assertThat(Files.getLastModifiedTime(out.resolve("sub/tool.sh"))).isEqualTo(old);
    assertThat(out.resolve("empty/nested-empty")).isEmptyDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("empty")))).isEqualTo("rwx------");
    assertThat(Files.readSymbolicLink(out.resolve("relative-link"))).isEqualTo(Path.of("sub/tool.sh"));
    assertThat(Files.readSymbolicLink(out.resolve("absolute-link"))).isEqualTo(Path.of("/etc/hostname"));
    assertThat(Files.readSymbolicLink(out.resolve("dangling-link"))).isEqualTo(Path.of("does/not/exist"));
    assertThat(Files.readString(out2.resolve("b.txt"))).isEqualTo("second path");
  }

  /** Writes a hand-made archive as a cache entry, bypassing the manager's own packing. */
  private void malicious(String key, List<TarArchiveEntry> entries) throws IOException {
    store.put("branch:app:main", key, out -> {
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new ZstdOutputStream(out))) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (TarArchiveEntry e : entries) {
          if (e.isFile()) e.setSize(4);
          tar.putArchiveEntry(e);
          if (e.isFile()) tar.write("evil".getBytes());
          tar.closeArchiveEntry();
        }
      }
    }, Duration.ofDays(1), Optional.of("main"), false);
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      dotdot,   0/../../escaped.txt
      absolute, /tmp/pk-absolute-escape.txt
      """)
  void archiveEntriesThatClimbOutOrAreAbsoluteAreRefused(String key, String name) throws IOException {
    malicious(key, List.of(new TarArchiveEntry(name, true)));
    Path out = Files.createDirectories(dir.resolve("victim/out"));
    assertThatThrownBy(() -> cache.restore(CacheContext.of("app", "main"), key, List.of(), CacheScope.BRANCH, List.of(out)))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("refusing archive entry");
    assertThat(dir.resolve("escaped.txt")).doesNotExist();
    assertThat(dir.resolve("victim/escaped.txt")).doesNotExist();
    assertThat(Path.of("/tmp/pk-absolute-escape.txt")).doesNotExist();
  }

  @Test
  void anEntryIsNeverWrittenThroughASymlinkTheArchiveMade() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    TarArchiveEntry link = new TarArchiveEntry("0/link", TarArchiveEntry.LF_SYMLINK);
    link.setLinkName(outside.toString());
    malicious("via-link", List.of(link, new TarArchiveEntry("0/link/planted.txt", true)));
    Path out = Files.createDirectories(dir.resolve("target"));
    assertThatThrownBy(() -> cache.restore(CacheContext.of("app", "main"), "via-link", List.of(), CacheScope.BRANCH, List.of(out)))
        .hasMessageContaining("through the symbolic link");
    assertThat(outside.resolve("planted.txt")).doesNotExist();
  }

  @Test
  void calculateCacheKeyDependsOnEveryInputAndTheVersion_notTheirOrder() {
    String k = CacheManager.calculateCacheKey(Map.of("os", "linux", "lock", "abc"), "v1");
    assertThat(k).hasSize(64).isEqualTo(CacheManager.calculateCacheKey(new java.util.TreeMap<>(Map.of("lock", "abc", "os", "linux")), "v1"));
    assertThat(CacheManager.calculateCacheKey(Map.of("os", "linux", "lock", "abd"), "v1")).isNotEqualTo(k);
    assertThat(CacheManager.calculateCacheKey(Map.of("os", "linux", "lock", "abc"), "v2")).isNotEqualTo(k);
  }
}
