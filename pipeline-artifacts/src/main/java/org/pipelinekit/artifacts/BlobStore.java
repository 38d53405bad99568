package org.pipelinekit.artifacts;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.List;

/**
 * The content half of an {@link ArtifactStore}: blobs by SHA-256 digest, published only when complete, one copy per digest.
 * A directory ({@link FileArtifactStore}) or an object store (pipeline-s3's {@code S3BlobStore}) holds them; stores that
 * keep records elsewhere (pipeline-jdbc's, in the database the hosts share) take any of them.
 */
public interface BlobStore {
  ArtifactStore.BlobWriter newBlob() throws IOException;

  /** The blob's content; throws {@link java.nio.file.NoSuchFileException} when absent. */
  ReadableByteChannel openBlob(String digest) throws IOException;

  boolean hasBlob(String digest);

  List<ArtifactStore.Blob> blobs();

  boolean deleteBlob(String digest);
}
