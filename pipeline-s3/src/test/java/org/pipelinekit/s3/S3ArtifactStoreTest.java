package org.pipelinekit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pipelinekit.artifacts.ArtifactStore;
import org.pipelinekit.artifacts.ArtifactStoreCompatibilityKit;
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.jdbc.TestPostgres;

/**
 * The artifact store of hosts that share no disk: records in the tests' own PostgreSQL, content in an S3 bucket of
 * s3proxy; the same kit as every artifact store, and a blob large enough to go up in parts.
 */
class S3ArtifactStoreTest extends ArtifactStoreCompatibilityKit {
  private final List<AutoCloseable> opened = new ArrayList<>();

  @Override
  protected ArtifactStore store() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    JdbcStores db = JdbcStores.open(pg.url(pg.newDatabase()), pg.user(), "");
    S3Bucket bucket = TestS3.shared().newBucket("ci/");
    opened.add(db);
    opened.add(bucket);
    return db.artifactStore(new S3BlobStore(bucket));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) c.close();
  }

  @Test
  void aLargeBlobGoesUpInParts_andComesBackWhole() throws Exception {
    ArtifactStore store = store();
    byte[] content = new byte[S3Bucket.PART_SIZE * 2 + 12_345];
    new java.util.Random(7).nextBytes(content);
    String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    try (ArtifactStore.BlobWriter w = store.newBlob()) {
      w.channel().write(ByteBuffer.wrap(content));
      w.commit(digest);
    }
    assertThat(store.blobs()).singleElement().satisfies(b -> {
      assertThat(b.digest()).isEqualTo(digest);
      assertThat(b.size()).isEqualTo(content.length);
    });
    try (InputStream in = Channels.newInputStream(store.openBlob(digest))) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(store.deleteBlob(digest)).isTrue();
    assertThatThrownBy(() -> store.openBlob(digest)).isInstanceOf(NoSuchFileException.class);
  }
}
