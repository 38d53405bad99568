package org.pipelinekit.core.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.PipelineException;

/**
 * The record of every secret read: when, which secret (never its value), by which execution and
 * stage. In memory, or appended to a file ({@code time TAB secret TAB execution TAB stage}).
 */
public final class SecretAudit {
  /** One read. */
  public record Entry(Instant time, String secret, String executionId, String stageId) {}

  private final Optional<Path> file;
  private final List<Entry> memory = new ArrayList<>();

  private SecretAudit(Optional<Path> file) {
    this.file = file;
  }

  public static SecretAudit inMemory() {
    return new SecretAudit(Optional.empty());
  }

  public static SecretAudit toFile(Path file) {
    return new SecretAudit(Optional.of(file));
  }

  public synchronized void record(Entry entry) {
    if (file.isEmpty()) {
      memory.add(entry);
      return;
    }
    try {
      PrivateFiles.createDirectories(file.get().toAbsolutePath().getParent());
      if (!Files.exists(file.get())) Files.createFile(file.get(), PrivateFiles.file());
      Files.writeString(file.get(), entry.time() + "\t" + entry.secret() + "\t" + entry.executionId() + "\t" + entry.stageId() + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new PipelineException(ErrorCode.AUDIT_UNAVAILABLE, "cannot record a secret read in " + file.get() + ": " + e.getMessage(), e);
    }
  }

  public synchronized List<Entry> entries() {
    if (file.isEmpty()) return List.copyOf(memory);
    try {
      List<Entry> out = new ArrayList<>();
      for (String line : Files.readAllLines(file.get(), StandardCharsets.UTF_8)) {
        String[] p = line.split("\t", 4);
        if (p.length == 4) out.add(new Entry(Instant.parse(p[0]), p[1], p[2], p[3]));
      }
      return out;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new PipelineException(ErrorCode.AUDIT_UNAVAILABLE, "cannot read " + file.get() + ": " + e.getMessage(), e);
    }
  }
}
