package org.pipelinekit.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.core.model.Ids;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.spi.PipelineDraft;
import org.pipelinekit.core.spi.PipelineStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link PipelineStore}: one canonical JSON file per pipeline under
 * {@code <dataDir>/pipelines/}, versioned by its {@code pipelinekit} key. A save writes a temporary
 * file, forces it to disk and renames it over the old one, so a crash leaves either the old or the
 * new pipeline, never half of one. A file that cannot be read is never deleted: {@link #find} names
 * it in the error, {@link #list} skips it with a warning, and a save moves it aside first. Drafts are the editor's text,
 * kept as they came under {@code pipelines/drafts/}.
 */
public final class FilePipelineStore implements PipelineStore {
  private static final Logger LOG = LoggerFactory.getLogger(FilePipelineStore.class);
  private static final String SUFFIX = ".json";

  private final Path dir;
  private final Path drafts;
  private final Clock clock;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public FilePipelineStore(Path dataDir) {
    this(dataDir, Clock.systemUTC());
  }

  public FilePipelineStore(Path dataDir, Clock clock) {
    this.dir = Objects.requireNonNull(dataDir, "dataDir").resolve("pipelines");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.drafts = dir.resolve("drafts");
    try {
      PrivateFiles.createDirectories(dir);
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot create the pipeline directory " + dir, e);
    }
  }

  @Override
  public String id() {
    return "file:" + dir;
  }

  @Override
  public Optional<Pipeline> find(String pipelineId) {
    if (!Ids.isValid(pipelineId)) return Optional.empty();
    return read(file(pipelineId));
  }

  @Override
  public List<Pipeline> list() {
    List<Pipeline> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        try {
          read(f).ifPresent(out::add);
        } catch (PipelineException e) {
          LOG.warn("skipping unreadable pipeline file {}: {}", f, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot list " + dir, e);
    }
    out.sort(Comparator.comparing(Pipeline::id));
    return out;
  }

  @Override
  public Pipeline save(Pipeline pipeline) {
    return save(pipeline, -1);
  }

  @Override
  public Pipeline save(Pipeline pipeline, long expectedVersion) {
    Objects.requireNonNull(pipeline, "pipeline");
    String id = pipeline.id();
    if (!Ids.isValid(id)) {
      throw new IllegalArgumentException("pipeline id '" + id + "' is not a valid id; validate the pipeline before saving it");
    }
    synchronized (locks.computeIfAbsent(id, k -> new Object())) {
      Path file = file(id);
      long stored;
      try {
        stored = read(file).map(Pipeline::version).orElse(0L);
      } catch (PipelineException unreadable) {
        stored = 0;
        moveAside(file);
      }
      if (expectedVersion >= 0 && stored != expectedVersion) {
        throw StoreConflicts.conflict(id, stored, expectedVersion);
      }
      Pipeline saved = pipeline.withVersion(stored + 1);
      writeAtomically(file, PipelineFormat.JSON.write(saved));
      return saved;
    }
  }

  @Override
  public boolean delete(String pipelineId) {
    if (!Ids.isValid(pipelineId)) return false;
    synchronized (locks.computeIfAbsent(pipelineId, k -> new Object())) {
      try {
        return Files.deleteIfExists(file(pipelineId));
      } catch (IOException e) {
        throw FileErrors.storeFailure("cannot delete " + file(pipelineId), e);
      }
    }
  }

  @Override
  public Optional<PipelineDraft> findDraft(String pipelineId) {
    if (!Ids.isValid(pipelineId)) return Optional.empty();
    return readDraft(drafts.resolve(pipelineId + SUFFIX));
  }

  @Override
  public List<PipelineDraft> drafts() {
    List<PipelineDraft> out = new ArrayList<>();
    if (!Files.isDirectory(drafts)) return out;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(drafts, "*" + SUFFIX)) {
      for (Path f : files) {
        readDraft(f).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot list " + drafts, e);
    }
    out.sort(Comparator.comparing(PipelineDraft::pipelineId));
    return out;
  }

  @Override
  public PipelineDraft saveDraft(String pipelineId, String document) {
    Ids.require(pipelineId, "pipeline id");
    Objects.requireNonNull(document, "document");
    synchronized (locks.computeIfAbsent(pipelineId, k -> new Object())) {
      Path file = drafts.resolve(pipelineId + SUFFIX);
      try {
        PrivateFiles.createDirectories(drafts); // made with the first draft
      } catch (IOException e) {
        throw FileErrors.storeFailure("cannot create the draft directory " + drafts, e);
      }
      writeAtomically(file, document);
      return readDraft(file).orElseThrow();
    }
  }

  @Override
  public boolean deleteDraft(String pipelineId) {
    if (!Ids.isValid(pipelineId)) return false;
    synchronized (locks.computeIfAbsent(pipelineId, k -> new Object())) {
      try {
        return Files.deleteIfExists(drafts.resolve(pipelineId + SUFFIX));
      } catch (IOException e) {
        throw FileErrors.storeFailure("cannot delete the draft of " + pipelineId, e);
      }
    }
  }

  private static Optional<PipelineDraft> readDraft(Path file) {
    String name = file.getFileName().toString();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of(new PipelineDraft(name.substring(0, name.length() - SUFFIX.length()), text,
          Files.getLastModifiedTime(file).toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot read the draft " + file, e);
    }
  }

  private Path file(String id) {
    return dir.resolve(id + SUFFIX);
  }

  private Optional<Pipeline> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot read " + file, e);
    }
    try {
      return Optional.of(PipelineFormat.JSON.read(text, file.toString()));
    } catch (PipelineFormatException e) {
      throw new PipelineException(ErrorCode.STORE_CORRUPT, "pipeline file " + file + " cannot be read: " + e.getMessage()
          + "; fix it by hand or move it away (PipelineKit does not delete it)", e);
    }
  }

  private void moveAside(Path file) {
    Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + clock.millis());
    try {
      Files.move(file, aside);
      LOG.warn("moved unreadable pipeline file {} to {} before saving over it", file, aside);
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot move unreadable " + file + " aside", e);
    }
  }

  private void writeAtomically(Path file, String content) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", PrivateFiles.file());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(StandardCharsets.UTF_8.encode(content));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot write " + file, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary file is only litter; the old pipeline is intact
        }
      }
    }
  }
}
