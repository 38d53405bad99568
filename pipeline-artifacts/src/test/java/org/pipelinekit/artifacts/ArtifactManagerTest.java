package org.pipelinekit.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.testing.MutableClock;

class ArtifactManagerTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
  FileArtifactStore store;
  ArtifactManager artifacts;
  static final Principal DEV = Principal.of("dana", "team-app");
  static final Principal STRANGER = Principal.of("sam", "team-other");

  @BeforeEach
  void open() {
    store = new FileArtifactStore(dir.resolve("store"), clock);
    artifacts = ArtifactManager.builder(store, AccessPolicy.byPipeline(Map.of("app", List.of("team-app"))))
        .clock(clock).signingKey(new byte[32]).retention("short-lived", Duration.ofDays(1)).build();
  }

  @AfterEach
  void close() {
    artifacts.close();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private ArtifactRecord put(String exec, String name, byte[] content) {
    return artifacts.store(Upload.of(exec, "app", name), new ByteArrayInputStream(content));
  }

  @Test
  void storesStreamsWithDigestAndSize_andReadsThemBack() throws Exception {
    byte[] content = random(3_000_000, 1);
    ArtifactRecord r = put("e1", "report.bin", content);
    assertThat(r.size()).isEqualTo(3_000_000);
    assertThat(r.digest()).isEqualTo(ArtifactStoreCompatibilityKit.sha(content));
    assertThat(r.expires()).isEqualTo(r.created().plus(Duration.ofDays(90)));
    try (InputStream in = artifacts.get(r.id(), DEV)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    Path copy = dir.resolve("copy.bin");
    artifacts.copyTo(r.id(), DEV, copy);
    assertThat(Files.readAllBytes(copy)).isEqualTo(content);
    assertThat(artifacts.list("e1")).containsExactly(r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "a/../../b", "/etc/passwd", "nul\0byte", "bell\u0007", "tab\tname", "back\\slash", "",
      "a//b", "./here"})
  void traversalAndOddNamesAreRefused(String name) {
    assertThatThrownBy(() -> put("e1", name, new byte[] {1}))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_NAME_INVALID"))
        .hasMessageContaining("is refused");
    assertThat(store.blobs()).isEmpty();
  }

  @Test
  void namesAreUniquePerExecution_andSizeLimitsSayWhatToChange() {
    put("e1", "jar", new byte[] {1});
    assertThatThrownBy(() -> put("e1", "jar", new byte[] {2})).hasMessageContaining("already has an artifact named 'jar'");
    put("e2", "jar", new byte[] {2});
    ArtifactManager small = ArtifactManager.builder(store, AccessPolicy.allowAll()).maxArtifactBytes(1000).maxExecutionBytes(1500).build();
    assertThatThrownBy(() -> small.store(Upload.of("e3", "app", "big"), new ByteArrayInputStream(new byte[2_000_000])))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_TOO_LARGE"))
        .hasMessageContaining("larger than the limit of 1000 bytes per artifact").hasMessageContaining("raise the limit");
    small.store(Upload.of("e3", "app", "first"), new ByteArrayInputStream(new byte[900]));
    assertThatThrownBy(() -> small.store(Upload.of("e3", "app", "second"), new ByteArrayInputStream(new byte[900])))
        .hasMessageContaining("what is left (600 bytes) of the limit of 1500 bytes per execution");
    assertThat(small.list("e3")).extracting(ArtifactRecord::name).containsExactly("first");
    small.close();
  }

  @Test
  void anUploadInterruptedHalfWayLeavesNoVisibleArtifact() throws IOException {
    InputStream failing = new InputStream() {
      int sent;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (sent > 5_000_000) throw new IOException("connection reset by peer");
        int n = Math.min(len, 65536);
        sent += n;
        return n;
      }
    };
    assertThatThrownBy(() -> artifacts.store(Upload.of("e1", "app", "partial"), failing))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_IO"))
        .hasMessageContaining("connection reset by peer");
    assertThat(artifacts.list("e1")).isEmpty();
    assertThat(store.blobs()).isEmpty();
    try (Stream<Path> tmp = Files.list(dir.resolve("store/tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void aTamperedBlobIsDetectedOnRead() throws Exception {
    ArtifactRecord r = put("e1", "app.jar", random(500_000, 7));
    Path blob;
    try (Stream<Path> files = Files.walk(dir.resolve("store/blobs"))) {
      blob = files.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(250_000);
      f.write(0x42 ^ f.read());
    }
    assertThatThrownBy(() -> {
      try (InputStream in = artifacts.get(r.id(), DEV)) {
        in.readAllBytes();
      }
    }).isInstanceOf(IOException.class).hasMessageContaining("artifact app.jar of execution e1 is corrupted");
    Path target = dir.resolve("out.jar");
    assertThatThrownBy(() -> artifacts.copyTo(r.id(), DEV, target))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_CORRUPTED"));
    assertThat(target).doesNotExist();
  }

  @Test
  void noReadWithoutPermission() {
    ArtifactRecord r = put("e1", "secret-report", new byte[] {1, 2, 3});
    assertThatThrownBy(() -> artifacts.get(r.id(), STRANGER))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_ACCESS_DENIED"))
        .hasMessage("sam may not read the artifacts of pipeline app");
    assertThatThrownBy(() -> artifacts.copyTo(r.id(), STRANGER, dir.resolve("x"))).hasMessageContaining("may not read");
    assertThatThrownBy(() -> artifacts.signedUrl(r.id(), STRANGER, Duration.ofMinutes(5))).hasMessageContaining("may not read");
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void signedUrlsWorkUntilTheyExpire_andRefuseAnyAlteration() throws IOException {
    ArtifactRecord r = put("e1", "dist.zip", "zip bytes".getBytes());
    ArtifactRecord other = put("e1", "other.zip", "other".getBytes());
    URI url = artifacts.signedUrl(r.id(), DEV, Duration.ofMinutes(10));
    assertThat(url.getPath()).isEqualTo("/artifacts/" + r.id());
    Map<String, String> q = query(url);
    long expires = Long.parseLong(q.get("expires"));
    try (InputStream in = artifacts.openSigned(r.id(), expires, q.get("signature"))) {
      assertThat(in.readAllBytes()).isEqualTo("zip bytes".getBytes());
    }
    assertThatThrownBy(() -> artifacts.openSigned(r.id(), expires + 3600, q.get("signature")))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_URL_INVALID"));
    assertThatThrownBy(() -> artifacts.openSigned(other.id(), expires, q.get("signature")))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_URL_INVALID"));
    String tampered = q.get("signature").substring(1) + (q.get("signature").charAt(0) == 'A' ? 'B' : 'A');
    assertThatThrownBy(() -> artifacts.openSigned(r.id(), expires, tampered)).hasMessageContaining("is not valid");
    clock.advance(Duration.ofMinutes(11));
    assertThatThrownBy(() -> artifacts.openSigned(r.id(), expires, q.get("signature")))
        .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.code()).isEqualTo("ARTIFACT_URL_EXPIRED"))
        .hasMessageContaining("ask for a new one");
  }

  private static Map<String, String> query(URI url) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String kv : url.getRawQuery().split("&")) out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    return out;
  }

  @Test
  void retentionSweepRemovesExpiredArtifactsAndTheirBlobs_andUsageKeepsCounting() {
    ArtifactRecord keep = put("e1", "keep", random(2_000_000, 1));
    ArtifactRecord brief = artifacts.store(Upload.of("e1", "short-lived", "logs"), new ByteArrayInputStream(random(1_000_000, 2)));
    ArtifactRecord custom = artifacts.store(Upload.of("e1", "app", "tmp").retention(Duration.ofHours(2)),
        new ByteArrayInputStream(random(1_000_000, 3)));
    assertThat(brief.expires()).isEqualTo(brief.created().plus(Duration.ofDays(1)));
    clock.advance(Duration.ofHours(3));
    assertThatThrownBy(() -> artifacts.get(custom.id(), DEV)).hasMessageContaining("expired on");
    ArtifactManager.Swept early = artifacts.sweep();
    assertThat(early.artifacts()).isEqualTo(1);
    assertThat(early.blobs()).as("the unreferenced blob, written 3 h ago (past the 1 h grace)").isEqualTo(1);
    clock.advance(Duration.ofDays(2));
    ArtifactManager.Swept later = artifacts.sweep();
    assertThat(later.artifacts()).isEqualTo(1);
    assertThat(artifacts.list("e1")).containsExactly(keep);
    assertThat(store.blobs()).extracting(ArtifactStore.Blob::digest).containsExactly(keep.digest());
    Map<String, Double> usage = artifacts.gigabyteMonths(Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z"));
    // storage counts until the sweep removes an artifact: keep 2 MB for 51 h (still there), tmp 1 MB for 3 h,
    // logs 1 MB for 51 h (expired after 24 h, swept at 51 h)
    double hourMonths = 1.0 / (30 * 24);
    assertThat(usage.get("app")).isCloseTo(2e-3 * 51 * hourMonths + 1e-3 * 3 * hourMonths, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(usage.get("short-lived")).isCloseTo(1e-3 * 51 * hourMonths, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void concurrentUploadsOfTheSameContentShareOneBlob() throws Exception {
    byte[] content = random(4_000_000, 9);
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ArtifactRecord>> uploads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "copy-" + i;
      uploads.add(pool.submit(() -> {
        go.await();
        return put("e1", name, content);
      }));
    }
    go.countDown();
    List<ArtifactRecord> records = new ArrayList<>();
    for (Future<ArtifactRecord> f : uploads) records.add(f.get(60, TimeUnit.SECONDS));
    pool.shutdown();
    assertThat(records).extracting(ArtifactRecord::digest).containsOnly(ArtifactStoreCompatibilityKit.sha(content));
    assertThat(store.blobs()).hasSize(1);
    for (ArtifactRecord r : records) {
      try (InputStream in = artifacts.get(r.id(), DEV)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
    // deleting some of them keeps the shared blob for the others
    clock.advance(Duration.ofDays(1));
    assertThat(artifacts.sweep().blobs()).isZero();
    assertThat(store.blobs()).hasSize(1);
  }

  @Test
  void directoriesAreStoredAsTar() throws IOException {
    Path d = Files.createDirectories(dir.resolve("site/css"));
    Files.writeString(dir.resolve("site/index.html"), "<h1>hi</h1>");
    Files.writeString(d.resolve("a.css"), "h1{}");
    ArtifactRecord r = artifacts.storeDirectory(Upload.of("e1", "app", "site"), dir.resolve("site"));
    assertThat(r.kind()).isEqualTo(ArtifactRecord.Kind.TAR);
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(artifacts.get(r.id(), DEV))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) names.add(e.getName());
    }
    assertThat(names).containsExactly("css/", "css/a.css", "index.html");
  }
}
