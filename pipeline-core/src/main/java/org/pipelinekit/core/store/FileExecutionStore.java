package org.pipelinekit.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.StoredExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link ExecutionStore}: {@code <dataDir>/executions/<id>/header.json}
 * (written to a temporary file and renamed) and {@code journal.jsonl}, one event a line, each
 * appended with a single write so a host killed at any moment leaves whole lines behind (a torn
 * last line, from a machine crash, is ignored with a warning). Execution numbers come from the
 * headers found at start-up, then from memory.
 */
public final class FileExecutionStore implements ExecutionStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileExecutionStore.class);

  private final Path dir;
  private volatile boolean closed;
  /** The journals being written, a bounded number open at once: queued and kept executions hold no descriptor. */
  private final org.pipelinekit.core.files.AppendChannels journals = new org.pipelinekit.core.files.AppendChannels(OPEN_JOURNALS);
  static final int OPEN_JOURNALS = 64;
  private final Map<String, Long> numbers = new ConcurrentHashMap<>();
  private final Map<String, String> pipelineOf = new ConcurrentHashMap<>();
  private final Map<String, Long> numberOf = new ConcurrentHashMap<>();

  public FileExecutionStore(Path dataDir) {
    this.dir = dataDir.resolve("executions");
    try {
      PrivateFiles.createDirectories(dataDir);
      PrivateFiles.createDirectories(dir);
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot create " + dir, e);
    }
    for (String id : ids()) {
      try {
        ExecutionHeader h = JournalCodec.header(Files.readString(dir.resolve(id).resolve("header.json")), id);
        index(h);
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping execution {}: its header cannot be read: {}", id, e.getMessage());
      }
    }
  }

  private void index(ExecutionHeader h) {
    pipelineOf.put(h.id(), h.pipelineId());
    numberOf.put(h.id(), h.number());
    numbers.merge(h.pipelineId(), h.number(), Math::max);
  }

  @Override
  public String id() {
    return "file:" + dir;
  }

  @Override
  public long nextNumber(String pipelineId) {
    return numbers.merge(pipelineId, 1L, Long::sum);
  }

  @Override
  public void create(ExecutionHeader header) {
    Path d = dir.resolve(header.id());
    try {
      Files.createDirectory(d, PrivateFiles.directory());
      Path tmp = Files.createFile(d.resolve("header.json.tmp"), PrivateFiles.file());
      Files.writeString(tmp, JournalCodec.header(header) + "\n");
      Files.move(tmp, d.resolve("header.json"), StandardCopyOption.ATOMIC_MOVE);
      Files.createFile(d.resolve("journal.jsonl"), PrivateFiles.file()); // (opened when written to)
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new PipelineException(ErrorCode.STORE_CONFLICT, "execution " + header.id() + " already exists in " + dir);
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot create execution " + header.id(), e);
    }
    index(header);
  }

  @Override
  public void append(String executionId, ExecutionEvent event) {
    if (closed) throw new PipelineException(ErrorCode.STORE_CLOSED, "the execution store is closed; " + executionId + "'s event was not kept");
    byte[] line = (JournalCodec.event(event) + "\n").getBytes(StandardCharsets.UTF_8);
    Path journal = dir.resolve(executionId).resolve("journal.jsonl");
    try {
      journals.append(journal, ByteBuffer.wrap(line));
      if (event instanceof ExecutionEvent.ExecutionFinished) journals.close(journal);
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot append to the journal of " + executionId, e);
    }
  }

  @Override
  public Optional<StoredExecution> load(String executionId) {
    Path d = dir.resolve(executionId);
    if (!executionId.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || executionId.contains("..") || !Files.isDirectory(d)) {
      return Optional.empty();
    }
    try {
      ExecutionHeader header = JournalCodec.header(Files.readString(d.resolve("header.json")), d.resolve("header.json").toString());
      List<ExecutionEvent> events = new ArrayList<>();
      Path journal = d.resolve("journal.jsonl");
      List<String> lines;
      try {
        lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        lines = List.of();
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) continue;
        try {
          events.add(JournalCodec.event(line, executionId, journal + ":" + (i + 1)));
        } catch (PipelineException e) {
          if (i == lines.size() - 1) {
            LOG.warn("ignoring a torn last line of {}: {}", journal, e.getMessage());
          } else {
            throw e;
          }
        }
      }
      return Optional.of(new StoredExecution(header, events));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot read execution " + executionId, e);
    }
  }

  @Override
  public List<String> list(String pipelineId) {
    return pipelineOf.entrySet().stream().filter(e -> e.getValue().equals(pipelineId)).map(Map.Entry::getKey)
        .sorted(Comparator.comparing((String id) -> numberOf.getOrDefault(id, 0L)).reversed()).toList();
  }

  @Override
  public List<String> ids() {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
      ds.forEach(p -> out.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot list " + dir, e);
    }
    out.sort(null);
    return out;
  }

  @Override
  public void delete(String executionId) {
    journals.closeUnder(dir.resolve(executionId));
    try {
      Path d = dir.resolve(executionId);
      if (Files.isDirectory(d)) {
        try (Stream<Path> walk = Files.walk(d)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot delete execution " + executionId, e);
    }
    pipelineOf.remove(executionId);
    numberOf.remove(executionId);
  }

  @Override
  public void close() {
    closed = true;
    journals.close();
  }
}
