package org.pipelinekit.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.pipelinekit.core.files.PrivateFiles;

/**
 * Where a cache store that keeps its entries' records elsewhere (pipeline-jdbc's, in the database the hosts share) keeps
 * their archives, by name: a directory every host mounts ({@link #inDirectory}), or an object store (pipeline-s3's
 * {@code S3ArchiveStore}). An archive is written to {@link #newFile()} first and stored whole, so nobody reads a part of one.
 */
public interface ArchiveStore {
  /** A new empty file to write an archive into before it is stored. */
  Path newFile() throws IOException;

  /** Stores {@code written} as {@code name} (the file is gone afterwards). */
  void store(String name, Path written) throws IOException;

  /** The archive; throws {@link java.nio.file.NoSuchFileException} when there is none of that name. */
  InputStream open(String name) throws IOException;

  /** Removes it (a reader that opened it may finish); nothing when it is not there. */
  void delete(String name) throws IOException;

  /** Archives as files of a directory (storing is a rename within it). */
  static ArchiveStore inDirectory(Path dir) {
    return new ArchiveStore() {
      @Override
      public Path newFile() throws IOException {
        PrivateFiles.createDirectories(dir);
        return Files.createTempFile(dir, ".writing-", ".archive");
      }

      @Override
      public void store(String name, Path written) throws IOException {
        Files.move(written, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      }

      @Override
      public InputStream open(String name) throws IOException {
        return Files.newInputStream(dir.resolve(name));
      }

      @Override
      public void delete(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
      }
    };
  }
}
