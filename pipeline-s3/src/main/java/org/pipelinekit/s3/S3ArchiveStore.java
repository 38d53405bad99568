package org.pipelinekit.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pipelinekit.cache.ArchiveStore;

/**
 * Cache archives in a bucket, as {@code cache/<name>}: written to a local file, then uploaded whole (in parts when large)
 * before the entry's record names it. Hand it to {@code JdbcStores.cacheStore(archives, clock)}.
 */
public final class S3ArchiveStore implements ArchiveStore {
  private final S3Bucket bucket;

  public S3ArchiveStore(S3Bucket bucket) {
    this.bucket = bucket;
  }

  @Override
  public Path newFile() throws IOException {
    return Files.createTempFile("pipelinekit-archive-", ".part");
  }

  @Override
  public void store(String name, Path written) throws IOException {
    try {
      bucket.upload("cache/" + name, written);
    } finally {
      Files.deleteIfExists(written);
    }
  }

  @Override
  public InputStream open(String name) throws IOException {
    return bucket.open("cache/" + name);
  }

  @Override
  public void delete(String name) throws IOException {
    bucket.delete("cache/" + name);
  }
}
