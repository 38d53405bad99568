package org.pipelinekit.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.pipelinekit.artifacts.ArtifactStore;
import org.pipelinekit.artifacts.BlobStore;

/**
 * Artifact blobs in a bucket, as {@code blobs/<hex digest>}: written to a local file first, uploaded whole (in parts when
 * large) only when committed under its digest — an interrupted upload leaves nothing — and not again when the bucket has
 * that content already. Hand it to {@code JdbcStores.artifactStore(blobs)}: the records in the database, the content here,
 * so hosts share artifacts without sharing a disk.
 */
public final class S3BlobStore implements BlobStore {
  private final S3Bucket bucket;

  public S3BlobStore(S3Bucket bucket) {
    this.bucket = bucket;
  }

  private static String name(String digest) {
    if (!digest.matches("sha256:[0-9a-f]{64}")) throw new IllegalArgumentException("not a sha256 digest: " + digest);
    return "blobs/" + digest.substring("sha256:".length());
  }

  @Override
  public ArtifactStore.BlobWriter newBlob() throws IOException {
    Path file = Files.createTempFile("pipelinekit-blob-", ".part");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    return new ArtifactStore.BlobWriter() {
      @Override
      public WritableByteChannel channel() {
        return channel;
      }

      @Override
      public void commit(String digest) throws IOException {
        channel.force(false);
        channel.close();
        String name = name(digest);
        if (!bucket.exists(name)) bucket.upload(name, file); // the same content twice is one blob
      }

      @Override
      public void close() {
        try {
          channel.close();
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a temporary file left behind; nothing was published
        }
      }
    };
  }

  @Override
  public ReadableByteChannel openBlob(String digest) throws IOException {
    return Channels.newChannel(bucket.open(name(digest)));
  }

  @Override
  public boolean hasBlob(String digest) {
    try {
      return bucket.exists(name(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<ArtifactStore.Blob> blobs() {
    try {
      return bucket.list("blobs/").stream()
          .map(o -> new ArtifactStore.Blob("sha256:" + bucket.nameOf(o).substring("blobs/".length()), o.size(), o.lastModified())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean deleteBlob(String digest) {
    try {
      if (!bucket.exists(name(digest))) return false;
      bucket.delete(name(digest));
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
