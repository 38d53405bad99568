package org.pipelinekit.artifacts;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where artifacts live: content-addressed blobs (one copy per SHA-256 digest, however many
 * artifacts share it) and artifact records. A blob is written to a temporary place and published
 * under its digest only when complete, so an interrupted upload leaves nothing visible; two
 * uploads of the same content leave one blob. Record names are unique per execution. The default
 * is {@link FileArtifactStore}; every implementation's tests extend
 * {@code ArtifactStoreCompatibilityKit} (pipeline-artifacts' test-jar).
 */
public interface ArtifactStore extends BlobStore {

  /** A blob being written. */
  interface BlobWriter extends AutoCloseable {
    /** Where the content goes; a file store gives a {@link java.nio.channels.FileChannel}, which allows kernel copies. */
    WritableByteChannel channel();

    /** Publishes the content under its digest ({@code sha256:<hex>}); an existing blob with it stays. */
    void commit(String digest) throws IOException;

    /** Drops what was written (also what {@link #close} does when not committed). */
    @Override
    void close();
  }

  @Override
  BlobWriter newBlob() throws IOException;

  /** The blob's content; a file store gives a {@link java.nio.channels.FileChannel}. Throws {@link java.nio.file.NoSuchFileException} when absent. */
  ReadableByteChannel openBlob(String digest) throws IOException;

  boolean hasBlob(String digest);

  /** A blob and when it was last written (for garbage collection with a grace period). */
  record Blob(String digest, long size, Instant written) {}

  List<Blob> blobs();

  boolean deleteBlob(String digest);

  /**
   * Stores a new record; throws {@link java.nio.file.FileAlreadyExistsException} when the execution
   * already has an artifact of that name.
   */
  void createRecord(ArtifactRecord record) throws IOException;

  Optional<ArtifactRecord> record(String artifactId);

  /** The execution's artifacts, oldest first. */
  List<ArtifactRecord> records(String executionId);

  /** Every record (for retention sweeps and usage). */
  List<ArtifactRecord> records();

  boolean deleteRecord(ArtifactRecord record);

  /** A record that was removed, for storage usage over time. */
  record Removed(String artifactId, String pipelineId, long size, Instant created, Instant removed) {}

  /** Notes that a record was removed (by retention) so usage reports keep counting its lifetime. */
  void noteRemoved(Removed removed) throws IOException;

  /** Records removed so far, oldest first. */
  List<Removed> removed();
}
