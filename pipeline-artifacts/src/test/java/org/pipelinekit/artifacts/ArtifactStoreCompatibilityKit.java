package org.pipelinekit.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link ArtifactStore} must do; an implementation's test extends this with a fresh, empty store. */
public abstract class ArtifactStoreCompatibilityKit {
  protected abstract ArtifactStore store() throws Exception;

  static String sha(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String blob(ArtifactStore store, byte[] content) throws Exception {
    String digest = sha(content);
    try (ArtifactStore.BlobWriter w = store.newBlob()) {
      w.channel().write(ByteBuffer.wrap(content));
      w.commit(digest);
    }
    return digest;
  }

  static ArtifactRecord record(String id, String execution, String name, String digest, long size) {
    return new ArtifactRecord(id, execution, "p", Optional.of("s"), Optional.of("s"), name, digest, size, ArtifactRecord.Kind.FILE,
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"), Map.of("k", "v"));
  }

  @Test
  void aCommittedBlobIsReadable_anUncommittedOneLeavesNothing() throws Exception {
    ArtifactStore store = store();
    byte[] content = "content".getBytes(StandardCharsets.UTF_8);
    String digest = blob(store, content);
    assertThat(store.hasBlob(digest)).isTrue();
    try (InputStream in = Channels.newInputStream(store.openBlob(digest))) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    try (ArtifactStore.BlobWriter w = store.newBlob()) {
      w.channel().write(ByteBuffer.wrap("half of it".getBytes(StandardCharsets.UTF_8)));
      // no commit: an interrupted upload
    }
    assertThat(store.blobs()).extracting(ArtifactStore.Blob::digest).containsExactly(digest);
    assertThatThrownBy(() -> store.openBlob(sha("other".getBytes()))).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void theSameContentTwiceIsOneBlob() throws Exception {
    ArtifactStore store = store();
    byte[] content = new byte[100_000];
    new java.util.Random(3).nextBytes(content);
    String a = blob(store, content);
    String b = blob(store, content);
    assertThat(a).isEqualTo(b);
    assertThat(store.blobs()).hasSize(1);
    assertThat(store.blobs().get(0).size()).isEqualTo(100_000);
    assertThat(store.deleteBlob(a)).isTrue();
    assertThat(store.hasBlob(a)).isFalse();
  }

  @Test
  void recordsAreFoundByIdAndExecution_andNamesAreUniquePerExecution() throws Exception {
    ArtifactStore store = store();
    String digest = blob(store, "x".getBytes());
    ArtifactRecord one = record("0123456789abcdef0123456789abcdef", "exec-1", "jar", digest, 1);
    store.createRecord(one);
    assertThat(store.record(one.id())).contains(one);
    assertThat(store.records("exec-1")).containsExactly(one);
    assertThat(store.records("exec-2")).isEmpty();
    assertThatThrownBy(() -> store.createRecord(record("fedcba9876543210fedcba9876543210", "exec-1", "jar", digest, 1)))
        .isInstanceOf(FileAlreadyExistsException.class);
    store.createRecord(record("fedcba9876543210fedcba9876543210", "exec-2", "jar", digest, 1));
    assertThat(store.records()).hasSize(2);
    assertThat(store.deleteRecord(one)).isTrue();
    assertThat(store.record(one.id())).isEmpty();
    assertThat(store.records("exec-1")).isEmpty();
    store.createRecord(record("00000000000000000000000000000000", "exec-1", "jar", digest, 1)); // the name is free again
  }

  @Test
  void removalsAreNoted() throws Exception {
    ArtifactStore store = store();
    ArtifactStore.Removed r = new ArtifactStore.Removed("0123456789abcdef0123456789abcdef", "p", 42,
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));
    store.noteRemoved(r);
    assertThat(store.removed()).containsExactly(r);
  }
}
