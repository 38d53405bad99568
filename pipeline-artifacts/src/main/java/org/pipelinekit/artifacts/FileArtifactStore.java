package org.pipelinekit.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.files.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts on the filesystem: blobs at {@code blobs/<2 hex>/<64 hex>}, written in {@code tmp/},
 * forced to disk and renamed into place (the same content renamed twice leaves one blob); records
 * as JSON at {@code records/<id>.json}; a name taken in an execution is a hard link at
 * {@code names/<execution>/<name>} made atomically, so two artifacts cannot share a name.
 */
public final class FileArtifactStore implements ArtifactStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileArtifactStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path blobs;
  private final Path tmp;
  private final Path records;
  private final Path names;
  private final Path removedLog;
  private final java.time.Clock clock;

  public FileArtifactStore(Path root) {
    this(root, java.time.Clock.systemUTC());
  }

  /** With {@code clock} giving blobs their written time (for garbage collection's grace period). */
  public FileArtifactStore(Path root, java.time.Clock clock) {
    this.clock = clock;
    this.blobs = root.resolve("blobs");
    this.tmp = root.resolve("tmp");
    this.records = root.resolve("records");
    this.names = root.resolve("names");
    this.removedLog = root.resolve("removed.jsonl");
    try {
      for (Path d : List.of(blobs, tmp, records, names)) PrivateFiles.createDirectories(d);
      try (Stream<Path> left = Files.list(tmp)) {
        for (Path p : left.toList()) Files.deleteIfExists(p); // uploads a crash interrupted
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + root + " for artifacts: " + FileErrors.describe(e), e);
    }
  }

  private Path blobPath(String digest) {
    String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
    if (!hex.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a sha256 digest: " + digest);
    return blobs.resolve(hex.substring(0, 2)).resolve(hex);
  }

  @Override
  public BlobWriter newBlob() throws IOException {
    Path temp = tmp.resolve(UUID.randomUUID() + ".part");
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new BlobWriter() {
      private boolean done;

      @Override
      public WritableByteChannel channel() {
        return channel;
      }

      @Override
      public void commit(String digest) throws IOException {
        Path target = blobPath(digest);
        channel.force(false);
        channel.close();
        Files.createDirectories(target.getParent());
        // an existing blob of this digest has the same bytes: replacing it keeps one copy and a fresh time
        Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(clock.instant()));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        done = true;
      }

      @Override
      public void close() {
        if (done) return;
        try {
          channel.close();
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.debug("cannot drop {}: {}", temp, e.getMessage());
        }
      }
    };
  }

  @Override
  public ReadableByteChannel openBlob(String digest) throws IOException {
    return FileChannel.open(blobPath(digest), StandardOpenOption.READ);
  }

  @Override
  public boolean hasBlob(String digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  @Override
  public List<Blob> blobs() {
    List<Blob> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(blobs, 2)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        try {
          out.add(new Blob("sha256:" + p.getFileName(), Files.size(p), Files.getLastModifiedTime(p).toInstant()));
        } catch (NoSuchFileException gone) {
          // deleted meanwhile
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list blobs under {}: {}", blobs, e.getMessage());
    }
    return out;
  }

  @Override
  public boolean deleteBlob(String digest) {
    try {
      return Files.deleteIfExists(blobPath(digest));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete blob " + digest + ": " + e.getMessage(), e);
    }
  }

  private static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path nameLock(String executionId, String name) {
    return names.resolve(hash(executionId)).resolve(hash(name));
  }

  @Override
  public void createRecord(ArtifactRecord r) throws IOException {
    Path lock = nameLock(r.executionId(), r.name());
    Files.createDirectories(lock.getParent());
    Path temp = tmp.resolve(UUID.randomUUID() + ".name");
    Files.writeString(temp, r.id());
    try {
      Files.createLink(lock, temp); // fails with FileAlreadyExistsException when the name is taken
    } finally {
      Files.deleteIfExists(temp);
    }
    Path recordTemp = tmp.resolve(r.id() + ".json");
    Files.write(recordTemp, JSON.writeValueAsBytes(toJson(r)));
    Files.move(recordTemp, records.resolve(r.id() + ".json"), StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public Optional<ArtifactRecord> record(String artifactId) {
    if (!artifactId.matches("[0-9a-f]{32}")) return Optional.empty();
    try {
      return Optional.of(fromJson(JSON.readTree(Files.readAllBytes(records.resolve(artifactId + ".json")))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("unreadable artifact record {}: {}", artifactId, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public List<ArtifactRecord> records(String executionId) {
    Path dir = names.resolve(hash(executionId));
    List<ArtifactRecord> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) return out;
    try (Stream<Path> locks = Files.list(dir)) {
      for (Path lock : locks.toList()) {
        try {
          record(Files.readString(lock).strip()).ifPresent(out::add);
        } catch (NoSuchFileException gone) {
          // deleted meanwhile
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list the artifacts of {}: {}", executionId, e.getMessage());
    }
    out.sort(Comparator.comparing(ArtifactRecord::created));
    return out;
  }

  @Override
  public List<ArtifactRecord> records() {
    List<ArtifactRecord> out = new ArrayList<>();
    try (Stream<Path> all = Files.list(records)) {
      for (Path p : all.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".json")) record(name.substring(0, name.length() - 5)).ifPresent(out::add);
      }
    } catch (IOException e) {
      LOG.warn("cannot list artifact records: {}", e.getMessage());
    }
    return out;
  }

  @Override
  public boolean deleteRecord(ArtifactRecord r) {
    try {
      boolean existed = Files.deleteIfExists(records.resolve(r.id() + ".json"));
      Files.deleteIfExists(nameLock(r.executionId(), r.name()));
      return existed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete artifact " + r.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void noteRemoved(Removed r) throws IOException {
    ObjectNode n = JSON.createObjectNode().put("id", r.artifactId()).put("pipeline", r.pipelineId()).put("size", r.size())
        .put("created", r.created().toEpochMilli()).put("removed", r.removed().toEpochMilli());
    Files.write(removedLog, (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Override
  public synchronized List<Removed> removed() {
    List<Removed> out = new ArrayList<>();
    if (!Files.exists(removedLog)) return out;
    try {
      for (String line : Files.readAllLines(removedLog, StandardCharsets.UTF_8)) {
        if (line.isBlank()) continue;
        try {
          JsonNode n = JSON.readTree(line);
          out.add(new Removed(n.path("id").asText(), n.path("pipeline").asText(), n.path("size").asLong(),
              Instant.ofEpochMilli(n.path("created").asLong()), Instant.ofEpochMilli(n.path("removed").asLong())));
        } catch (IOException e) {
          LOG.warn("skipping an unreadable line of {}: {}", removedLog, e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", removedLog, e.getMessage());
    }
    return out;
  }

  private static ObjectNode toJson(ArtifactRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", 1).put("id", r.id()).put("execution", r.executionId()).put("pipeline", r.pipelineId());
    r.stageId().ifPresent(s -> n.put("stage", s));
    r.jobId().ifPresent(j -> n.put("job", j));
    n.put("name", r.name()).put("digest", r.digest()).put("size", r.size()).put("kind", r.kind().name())
        .put("created", r.created().toEpochMilli()).put("expires", r.expires().toEpochMilli());
    ObjectNode labels = n.putObject("labels");
    r.labels().forEach(labels::put);
    return n;
  }

  private static ArtifactRecord fromJson(JsonNode n) {
    Map<String, String> labels = new LinkedHashMap<>();
    n.path("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
    return new ArtifactRecord(n.path("id").asText(), n.path("execution").asText(), n.path("pipeline").asText(),
        n.hasNonNull("stage") ? Optional.of(n.get("stage").asText()) : Optional.empty(),
        n.hasNonNull("job") ? Optional.of(n.get("job").asText()) : Optional.empty(),
        n.path("name").asText(), n.path("digest").asText(), n.path("size").asLong(), ArtifactRecord.Kind.valueOf(n.path("kind").asText()),
        Instant.ofEpochMilli(n.path("created").asLong()), Instant.ofEpochMilli(n.path("expires").asLong()), labels);
  }
}
