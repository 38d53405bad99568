package org.pipelinekit.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.testing.MutableClock;

/**
 * What every {@link CacheStore} must do. An implementation's test extends this and makes a fresh,
 * empty store; {@link #advance} moves the store's clock (implementations given a clock should use
 * {@link MutableClock}).
 */
public abstract class CacheStoreCompatibilityKit {
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  protected abstract CacheStore store() throws Exception;

  protected void advance(Duration d) {
    clock.advance(d);
  }

  private static CacheStore.ArchiveWriter text(String s) {
    return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(CacheStore store, CacheEntry e) throws IOException {
    try (InputStream in = store.open(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void putThenFindAndOpen_withSizeDigestAndWriter() throws Exception {
    CacheStore store = store();
    CacheEntry e = store.put("ns", "deps-1", text("hello"), Duration.ofDays(1), Optional.of("main"), false).orElseThrow();
    assertThat(e.size()).isEqualTo(5);
    assertThat(e.digest()).isEqualTo("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    CacheEntry found = store.find("ns", "deps-1").orElseThrow();
    assertThat(found.key()).isEqualTo("deps-1");
    assertThat(found.writtenBy()).contains("main");
    assertThat(found.ttl()).isEqualTo(Duration.ofDays(1));
    assertThat(read(store, found)).isEqualTo("hello");
    assertThat(store.find("other-ns", "deps-1")).isEmpty();
    assertThat(store.find("ns", "deps-2")).isEmpty();
  }

  @Test
  void prefixLookupGivesNewestFirst_withinTheNamespaceOnly() throws Exception {
    CacheStore store = store();
    store.put("ns", "deps-a", text("a"), Duration.ofDays(1), Optional.empty(), false);
    advance(Duration.ofMinutes(1));
    store.put("ns", "deps-b", text("b"), Duration.ofDays(1), Optional.empty(), false);
    advance(Duration.ofMinutes(1));
    store.put("ns", "other-c", text("c"), Duration.ofDays(1), Optional.empty(), false);
    store.put("ns2", "deps-d", text("d"), Duration.ofDays(1), Optional.empty(), false);
    assertThat(store.findByPrefix("ns", "deps-")).extracting(CacheEntry::key).containsExactly("deps-b", "deps-a");
    assertThat(store.list()).extracting(CacheEntry::key).containsExactlyInAnyOrder("deps-a", "deps-b", "other-c", "deps-d");
  }

  @Test
  void entriesAreImmutableUnlessOverwritten() throws Exception {
    CacheStore store = store();
    assertThat(store.put("ns", "k", text("first"), Duration.ofDays(1), Optional.empty(), false)).isPresent();
    assertThat(store.put("ns", "k", text("second"), Duration.ofDays(1), Optional.empty(), false)).isEmpty();
    assertThat(read(store, store.find("ns", "k").orElseThrow())).isEqualTo("first");
    assertThat(store.put("ns", "k", text("third"), Duration.ofDays(1), Optional.empty(), true)).isPresent();
    assertThat(read(store, store.find("ns", "k").orElseThrow())).isEqualTo("third");
  }

  @Test
  void touchRecordsUses() throws Exception {
    CacheStore store = store();
    CacheEntry e = store.put("ns", "k", text("x"), Duration.ofDays(1), Optional.empty(), false).orElseThrow();
    Instant later = e.created().plus(Duration.ofHours(3));
    store.touch(e, later);
    store.touch(e, later);
    CacheEntry used = store.find("ns", "k").orElseThrow();
    assertThat(used.hits()).isEqualTo(2);
    assertThat(used.lastAccess()).isEqualTo(later);
  }

  @Test
  void deleteRemoves_butAReaderThatOpenedTheEntryReadsItWhole() throws Exception {
    CacheStore store = store();
    byte[] big = new byte[4 << 20];
    new java.util.Random(1).nextBytes(big);
    CacheEntry e = store.put("ns", "k", out -> out.write(big), Duration.ofDays(1), Optional.empty(), false).orElseThrow();
    try (InputStream in = store.open(e)) {
      assertThat(store.delete(e)).isTrue();
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
    assertThat(store.find("ns", "k")).isEmpty();
    assertThat(store.delete(e)).isFalse();
    try {
      store.open(e).close();
      org.assertj.core.api.Assertions.fail("opened a deleted entry");
    } catch (NoSuchFileException expected) {
      // gone
    }
  }

  @Test
  void twoWritersOfOneKey_exactlyOneWins_andReadersNeverSeeAPartialEntry() throws Exception {
    CacheStore store = store();
    int writers = 8;
    byte[][] contents = new byte[writers][];
    for (int i = 0; i < writers; i++) {
      contents[i] = new byte[2 << 20];
      java.util.Arrays.fill(contents[i], (byte) i);
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    List<Future<Optional<CacheEntry>>> results = new ArrayList<>();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    Future<Integer> reader = pool.submit(() -> {
      go.await();
      int seen = 0;
      for (int round = 0; round < 2000 && seen < 50; round++) {
        Optional<CacheEntry> e = store.find("ns", "race");
        if (e.isEmpty()) continue;
        byte[] data;
        try (InputStream in = store.open(e.get())) {
          data = in.readAllBytes();
        }
        seen++;
        if (data.length != 2 << 20) problems.add("read " + data.length + " bytes");
        for (byte b : data) {
          if (b != data[0]) {
            problems.add("mixed content");
            break;
          }
        }
      }
      return seen;
    });
    for (int i = 0; i < writers; i++) {
      byte[] mine = contents[i];
      results.add(pool.submit(() -> {
        go.await();
        return store.put("ns", "race", out -> {
          for (int off = 0; off < mine.length; off += 64 * 1024) out.write(mine, off, 64 * 1024);
        }, Duration.ofDays(1), Optional.empty(), false);
      }));
    }
    go.countDown();
    int won = 0;
    for (Future<Optional<CacheEntry>> r : results) if (r.get(60, TimeUnit.SECONDS).isPresent()) won++;
    reader.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(won).isEqualTo(1);
    assertThat(problems).isEmpty();
    assertThat(store.list()).hasSize(1);
  }
}
