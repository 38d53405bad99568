package org.pipelinekit.artifacts;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.artifacts.internal.ArtifactInterceptor;
import org.pipelinekit.artifacts.internal.DigestingCopy;
import org.pipelinekit.artifacts.internal.Names;
import org.pipelinekit.artifacts.internal.TreeTar;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.spi.JobInterceptor;

/**
 * Stores, lists and serves artifacts over an {@link ArtifactStore}.
 *
 * <p>Uploads stream: content goes to a temporary blob while its SHA-256 and size are computed on
 * another thread, and only a complete upload becomes visible (blob renamed under its digest, then
 * the record written). The same content uploaded twice is stored once. Names are checked (no
 * {@code ..}, absolute paths, NUL or control characters), unique per execution, and uploads are
 * held to a per-artifact and a per-execution size limit.
 *
 * <p>Reads ask the host's {@link AccessPolicy} and verify the digest as the content streams.
 * Signed URLs (HMAC-SHA256 over id and expiry) let a browser download without a session;
 * pipeline-web serves them. Artifacts expire after their retention (default 90 days, per pipeline
 * or per artifact otherwise); {@link #sweep} removes them and then blobs nothing refers to.
 */
public final class ArtifactManager implements AutoCloseable {
  private final ArtifactStore store;
  private final AccessPolicy policy;
  private final Clock clock;
  private final Duration defaultRetention;
  private final Map<String, Duration> retentionByPipeline;
  private final long maxArtifactBytes;
  private final long maxExecutionBytes;
  private final byte[] signingKey;
  private final String baseUrl;
  private final Duration blobGrace;
  private final ExecutorService hashers;
  private final SecureRandom random = new SecureRandom();

  private ArtifactManager(Builder b) {
    this.store = b.store;
    this.policy = b.policy;
    this.clock = b.clock;
    this.defaultRetention = b.defaultRetention;
    this.retentionByPipeline = Map.copyOf(b.retentionByPipeline);
    this.maxArtifactBytes = b.maxArtifactBytes;
    this.maxExecutionBytes = b.maxExecutionBytes;
    this.signingKey = b.signingKey != null ? b.signingKey.clone() : randomKey();
    this.baseUrl = b.baseUrl;
    this.blobGrace = b.blobGrace;
    AtomicInteger n = new AtomicInteger();
    this.hashers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "pipelinekit-artifact-digest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  public static Builder builder(ArtifactStore store, AccessPolicy policy) {
    return new Builder(store, policy);
  }

  public ArtifactStore store() {
    return store;
  }

  // ---- upload ----

  /** Stores what the stream holds (read to its end, never held whole in memory). */
  public ArtifactRecord store(Upload upload, InputStream data) {
    return storeWith(upload, ArtifactRecord.Kind.FILE, out -> data.transferTo(out));
  }

  /** Stores a file, letting the kernel copy it while its digest is computed beside the copy. */
  public ArtifactRecord storeFile(Upload upload, Path file) {
    Names.check(upload.name());
    try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
      long limit = limitFor(upload);
      if (source.size() > limit) tooLarge(upload, source.size(), limit);
      try (ArtifactStore.BlobWriter blob = store.newBlob()) {
        DigestingCopy.Result r;
        if (blob.channel() instanceof FileChannel target) {
          r = DigestingCopy.files(source, target, hashers);
        } else {
          DigestingCopy.Output out = DigestingCopy.output(blob.channel(), hashers, limit, size -> tooLarge(upload, size, limit));
          try (out; InputStream in = Channels.newInputStream(source)) {
            in.transferTo(out);
            r = out.finish();
          }
        }
        blob.commit(r.digest());
        return record(upload, ArtifactRecord.Kind.FILE, r);
      }
    } catch (NoSuchFileException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_NOT_FOUND, "cannot store " + file + ": no such file");
    } catch (IOException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_IO, "cannot store artifact " + upload.name() + ": " + e.getMessage(), e);
    }
  }

  /** Stores a directory as a tar archive (symbolic links kept as links). */
  public ArtifactRecord storeDirectory(Upload upload, Path dir) {
    List<Path> files;
    try (var walk = Files.walk(dir)) {
      files = walk.filter(p -> !p.equals(dir)).map(dir::relativize).sorted().toList();
    } catch (IOException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_IO, "cannot read " + dir + ": " + e.getMessage(), e);
    }
    return storeTree(upload, dir, files);
  }

  /**
   * Stores the given files (paths relative to {@code root}) as a tar archive of those paths; into a
   * file store the kernel copies each file's content while its digest is computed beside the copy.
   */
  public ArtifactRecord storeTree(Upload upload, Path root, List<Path> relativePaths) {
    Names.check(upload.name());
    long limit = limitFor(upload);
    try (ArtifactStore.BlobWriter blob = store.newBlob()) {
      DigestingCopy.Result r;
      if (blob.channel() instanceof FileChannel target) {
        try (DigestingCopy.Sequence out = DigestingCopy.sequence(target, hashers, limit, size -> tooLarge(upload, size, limit))) {
          TreeTar.write(out, root, relativePaths);
          r = out.finish();
        }
      } else {
        r = streamed(blob, upload, limit, out -> TreeTar.write(out, root, relativePaths));
      }
      blob.commit(r.digest());
      return record(upload, ArtifactRecord.Kind.TAR, r);
    } catch (IOException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_IO, "cannot store artifact " + upload.name() + ": " + e.getMessage(), e);
    }
  }

  private interface Writer {
    void writeTo(java.io.OutputStream out) throws IOException;
  }

  private ArtifactRecord storeWith(Upload upload, ArtifactRecord.Kind kind, Writer writer) {
    Names.check(upload.name());
    long limit = limitFor(upload);
    try (ArtifactStore.BlobWriter blob = store.newBlob()) {
      DigestingCopy.Result r = streamed(blob, upload, limit, writer);
      blob.commit(r.digest());
      return record(upload, kind, r);
    } catch (IOException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_IO, "cannot store artifact " + upload.name() + ": " + e.getMessage(), e);
    }
  }

  /** What {@code writer} writes, into the blob, hashed beside the writes. */
  private DigestingCopy.Result streamed(ArtifactStore.BlobWriter blob, Upload upload, long limit, Writer writer) throws IOException {
    try (DigestingCopy.Output out = DigestingCopy.output(blob.channel(), hashers, limit, size -> tooLarge(upload, size, limit))) {
      writer.writeTo(out);
      return out.finish();
    }
  }

  /** The most this upload may hold: the per-artifact limit, or what the execution has left. */
  private long limitFor(Upload upload) {
    if (store.records(upload.executionId()).stream().anyMatch(r -> r.name().equals(upload.name()))) {
      throw exists(upload);
    }
    long used = store.records(upload.executionId()).stream().mapToLong(ArtifactRecord::size).sum();
    return Math.min(maxArtifactBytes, maxExecutionBytes - used);
  }

  private void tooLarge(Upload upload, long size, long limit) {
    String which = limit == maxArtifactBytes
        ? "the limit of " + human(maxArtifactBytes) + " per artifact"
        : "what is left (" + human(limit) + ") of the limit of " + human(maxExecutionBytes) + " per execution";
    throw new ArtifactException(ErrorCode.ARTIFACT_TOO_LARGE, "artifact " + upload.name() + " is larger than " + which
        + " (" + human(size) + " so far); store less, or raise the limit on ArtifactManager.builder()");
  }

  private static ArtifactException exists(Upload upload) {
    return new ArtifactException(ErrorCode.ARTIFACT_EXISTS, "execution " + upload.executionId() + " already has an artifact named '"
        + upload.name() + "'; artifacts are immutable, choose another name");
  }

  private ArtifactRecord record(Upload upload, ArtifactRecord.Kind kind, DigestingCopy.Result r) throws IOException {
    Instant now = clock.instant();
    Duration retention = upload.retention().orElse(retentionByPipeline.getOrDefault(upload.pipelineId(), defaultRetention));
    byte[] id = new byte[16];
    random.nextBytes(id);
    ArtifactRecord record = new ArtifactRecord(HexFormat.of().formatHex(id), upload.executionId(), upload.pipelineId(),
        upload.stageId(), upload.jobId(), upload.name(), r.digest(), r.size(), kind, now, now.plus(retention), upload.labels());
    try {
      store.createRecord(record);
    } catch (FileAlreadyExistsException e) {
      throw exists(upload); // a concurrent upload took the name; its blob stays (shared or collected)
    }
    return record;
  }

  // ---- read ----

  /** The execution's artifacts, oldest first (expired ones not yet swept included). */
  public List<ArtifactRecord> list(String executionId) {
    return store.records(executionId);
  }

  private ArtifactRecord readable(String artifactId, Principal principal) {
    ArtifactRecord r = live(artifactId);
    if (!policy.canRead(principal, r)) {
      throw new ArtifactException(ErrorCode.ARTIFACT_ACCESS_DENIED, principal.name() + " may not read the artifacts of pipeline "
          + r.pipelineId());
    }
    return r;
  }

  private ArtifactRecord live(String artifactId) {
    ArtifactRecord r = store.record(artifactId)
        .orElseThrow(() -> new ArtifactException(ErrorCode.ARTIFACT_NOT_FOUND, "no artifact " + artifactId));
    if (r.expiredAt(clock.instant())) {
      throw new ArtifactException(ErrorCode.ARTIFACT_NOT_FOUND, "artifact " + artifactId + " expired on " + r.expires());
    }
    return r;
  }

  /**
   * The artifact's content for the principal, as a stream that checks size and digest: reading past
   * the end of a damaged artifact throws an {@link IOException} naming it.
   */
  public InputStream get(String artifactId, Principal principal) {
    return open(readable(artifactId, principal));
  }

  private InputStream open(ArtifactRecord r) {
    try {
      return new Verifying(Channels.newInputStream(store.openBlob(r.digest())), r);
    } catch (NoSuchFileException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_CORRUPTED, "the content of artifact " + r.name() + " (" + r.digest() + ") is missing");
    } catch (IOException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_IO, "cannot read artifact " + r.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Copies the artifact's content to a file, verified: a damaged artifact leaves no file and
   * throws {@code ARTIFACT_CORRUPTED}. With a file store the kernel copies while the digest is
   * checked beside it.
   */
  public ArtifactRecord copyTo(String artifactId, Principal principal, Path target) {
    return copy(readable(artifactId, principal), target);
  }

  private ArtifactRecord copy(ArtifactRecord r, Path target) {
    DigestingCopy.Result got;
    try (ReadableByteChannel source = store.openBlob(r.digest());
         FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
             StandardOpenOption.WRITE)) {
      if (source instanceof FileChannel file) {
        got = DigestingCopy.files(file, out, hashers);
      } else {
        DigestingCopy.Output digesting = DigestingCopy.output(out, hashers, Long.MAX_VALUE, size -> { });
        try (digesting; InputStream in = Channels.newInputStream(source)) {
          in.transferTo(digesting);
          got = digesting.finish();
        }
      }
    } catch (NoSuchFileException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_CORRUPTED, "the content of artifact " + r.name() + " (" + r.digest() + ") is missing");
    } catch (IOException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_IO, "cannot copy artifact " + r.name() + ": " + e.getMessage(), e);
    }
    if (!got.digest().equals(r.digest()) || got.size() != r.size()) {
      try {
        Files.deleteIfExists(target);
      } catch (IOException e) {
        // reported below either way
      }
      throw corrupted(r, got.digest());
    }
    return r;
  }

  private static ArtifactException corrupted(ArtifactRecord r, String actual) {
    return new ArtifactException(ErrorCode.ARTIFACT_CORRUPTED, "artifact " + r.name() + " of execution " + r.executionId()
        + " is corrupted: its content hashes to " + actual + ", not " + r.digest());
  }

  /** Checks size and digest as the content is read. */
  private static final class Verifying extends FilterInputStream {
    private final ArtifactRecord record;
    private final MessageDigest sha;
    private long read;
    private boolean checked;

    Verifying(InputStream in, ArtifactRecord record) {
      super(in);
      this.record = record;
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        sha.update(b, off, n);
        read += n;
      } else if (n < 0 && !checked) {
        checked = true;
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (read != record.size() || !actual.equals(record.digest())) throw new IOException(corrupted(record, actual).getMessage());
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) break;
        done += r;
      }
      return done;
    }
  }

  // ---- signed URLs ----

  /** A download URL anyone holding it may use until {@code validity} passes; the principal must be allowed now. */
  public URI signedUrl(String artifactId, Principal principal, Duration validity) {
    ArtifactRecord r = readable(artifactId, principal);
    long expires = clock.instant().plus(validity).getEpochSecond();
    return URI.create(baseUrl + "/" + r.id() + "?expires=" + expires + "&signature=" + sign(r.id(), expires));
  }

  /** The artifact's URL as the execution view links it (served by pipeline-web under the access policy). */
  public String url(ArtifactRecord r) {
    return baseUrl + "/" + r.id();
  }

  private String sign(String artifactId, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
      byte[] sig = mac.doFinal((artifactId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checks a signed URL's parts; returns the artifact, or throws {@code ARTIFACT_URL_INVALID} / {@code ARTIFACT_URL_EXPIRED}. */
  public ArtifactRecord verifySignedUrl(String artifactId, long expires, String signature) {
    byte[] expected = sign(artifactId, expires).getBytes(StandardCharsets.US_ASCII);
    if (signature == null || !MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
      throw new ArtifactException(ErrorCode.ARTIFACT_URL_INVALID, "the download link for artifact " + artifactId + " is not valid");
    }
    if (clock.instant().getEpochSecond() >= expires) {
      throw new ArtifactException(ErrorCode.ARTIFACT_URL_EXPIRED, "the download link for artifact " + artifactId + " expired at "
          + Instant.ofEpochSecond(expires) + "; ask for a new one");
    }
    return live(artifactId);
  }

  /** The content behind a signed URL, verified like {@link #get}. */
  public InputStream openSigned(String artifactId, long expires, String signature) {
    return open(verifySignedUrl(artifactId, expires, signature));
  }

  // ---- retention and usage ----

  /** What a sweep removed. */
  public record Swept(int artifacts, int blobs, long bytesFreed) {}

  /**
   * Removes expired artifacts, then blobs no artifact refers to that were written longer ago than
   * the grace period (so a blob uploaded a moment ago, whose record is being written, stays).
   */
  public Swept sweep() {
    Instant now = clock.instant();
    int artifacts = 0;
    for (ArtifactRecord r : store.records()) {
      if (r.expiredAt(now) && store.deleteRecord(r)) {
        artifacts++;
        try {
          store.noteRemoved(new ArtifactStore.Removed(r.id(), r.pipelineId(), r.size(), r.created(), now));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot note the removal of artifact " + r.id() + ": " + e.getMessage(), e);
        }
      }
    }
    Set<String> referenced = new HashSet<>();
    store.records().forEach(r -> referenced.add(r.digest()));
    int blobs = 0;
    long freed = 0;
    for (ArtifactStore.Blob b : store.blobs()) {
      if (!referenced.contains(b.digest()) && b.written().plus(blobGrace).isBefore(now) && store.deleteBlob(b.digest())) {
        blobs++;
        freed += b.size();
      }
    }
    return new Swept(artifacts, blobs, freed);
  }

  /**
   * Storage used between {@code from} and {@code to} in GB-months (10^9 bytes kept for 30 days),
   * per pipeline: each artifact counts its size from when it was stored until it was removed by a
   * sweep (or now), within the period. Multiply by a price per GB-month for a cost; shared blobs are
   * counted once per artifact, as each artifact is billed for what it holds.
   */
  public Map<String, Double> gigabyteMonths(Instant from, Instant to) {
    Instant now = clock.instant();
    Map<String, Double> out = new HashMap<>();
    for (ArtifactRecord r : store.records()) add(out, r.pipelineId(), r.size(), r.created(), now, from, to);
    for (ArtifactStore.Removed r : store.removed()) add(out, r.pipelineId(), r.size(), r.created(), r.removed(), from, to);
    return out;
  }

  private static void add(Map<String, Double> out, String pipeline, long size, Instant start, Instant end, Instant from, Instant to) {
    Instant a = start.isAfter(from) ? start : from;
    Instant b = end.isBefore(to) ? end : to;
    if (!b.isAfter(a)) return;
    double months = Duration.between(a, b).toMillis() / (double) Duration.ofDays(30).toMillis();
    out.merge(pipeline, size / 1e9 * months, Double::sum);
  }

  /** The engine hook: stores each stage's {@code artifacts:} after it succeeds, restores needed stages' artifacts before. */
  public JobInterceptor interceptor() {
    return new ArtifactInterceptor(this, new ArtifactInterceptor.TrustedReader() {
      @Override
      public InputStream open(ArtifactRecord artifact) {
        return ArtifactManager.this.open(artifact);
      }

      @Override
      public void copy(ArtifactRecord artifact, Path target) {
        ArtifactManager.this.copy(artifact, target);
      }
    });
  }

  private static String human(long bytes) {
    if (bytes >= 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    if (bytes >= 1L << 20) return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    return bytes + " bytes";
  }

  @Override
  public void close() {
    hashers.shutdownNow();
  }

  public static final class Builder {
    private final ArtifactStore store;
    private final AccessPolicy policy;
    private Clock clock = Clock.systemUTC();
    private Duration defaultRetention = Duration.ofDays(90);
    private final Map<String, Duration> retentionByPipeline = new HashMap<>();
    private long maxArtifactBytes = 10L << 30;
    private long maxExecutionBytes = 50L << 30;
    private byte[] signingKey;
    private String baseUrl = "/artifacts";
    private Duration blobGrace = Duration.ofHours(1);

    private Builder(ArtifactStore store, AccessPolicy policy) {
      this.store = Objects.requireNonNull(store, "store");
      this.policy = Objects.requireNonNull(policy, "policy");
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long artifacts are kept unless their pipeline or upload says otherwise (default 90 days). */
    public Builder defaultRetention(Duration retention) {
      this.defaultRetention = positive(retention, "retention");
      return this;
    }

    public Builder retention(String pipelineId, Duration retention) {
      retentionByPipeline.put(pipelineId, positive(retention, "retention"));
      return this;
    }

    /** Largest single artifact (default 10 GiB). */
    public Builder maxArtifactBytes(long bytes) {
      this.maxArtifactBytes = bytes;
      return this;
    }

    /** Most bytes of artifacts one execution may store (default 50 GiB). */
    public Builder maxExecutionBytes(long bytes) {
      this.maxExecutionBytes = bytes;
      return this;
    }

    /** The HMAC key of signed URLs (at least 32 bytes); without one a random key is made and URLs die with the manager. */
    public Builder signingKey(byte[] key) {
      if (key.length < 32) throw new IllegalArgumentException("the signing key needs at least 32 bytes, got " + key.length);
      this.signingKey = key.clone();
      return this;
    }

    /** Where pipeline-web serves artifacts (default {@code /artifacts}); URLs are {@code <base>/<id>}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
      return this;
    }

    /** How long an unreferenced blob is kept after it was written (default 1 hour). */
    public Builder blobGrace(Duration grace) {
      this.blobGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("the " + what + " must be positive, got " + d);
      return d;
    }

    public ArtifactManager build() {
      return new ArtifactManager(this);
    }
  }
}
