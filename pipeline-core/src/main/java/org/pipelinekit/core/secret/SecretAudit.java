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
  private final Optional<org.pipelinekit.core.spi.AuditLog> log;
  private final List<Entry> memory = new ArrayList<>();

  private SecretAudit(Optional<Path> file) {
    this.file = file;
    this.log = Optional.empty();
  }

  private SecretAudit(org.pipelinekit.core.spi.AuditLog log) {
    this.file = Optional.empty();
    this.log = Optional.of(log);
  }

  /**
   * Each read as a {@code secret.read} entry of the audit log (actor {@code execution:<id>}, target {@code secret/<name>},
   * the stage in its details), next to what people did.
   */
  public static SecretAudit into(org.pipelinekit.core.spi.AuditLog log) {
    return new SecretAudit(java.util.Objects.requireNonNull(log, "log"));
  }

  public static SecretAudit inMemory() {
    return new SecretAudit(Optional.empty());
  }

  public static SecretAudit toFile(Path file) {
    return new SecretAudit(Optional.of(file));
  }

  public synchronized void record(Entry entry) {
    record(entry, false);
  }

  /**
   * A read, or ({@code withheld}) one a run asked for and did not get (protected branches): in the audit log its outcome
   * is {@code withheld}, elsewhere the secret's name is followed by {@code (withheld)}.
   */
  public synchronized void record(Entry entry, boolean withheld) {
    if (withheld && log.isEmpty()) {
      entry = new Entry(entry.time(), entry.secret() + " (withheld)", entry.executionId(), entry.stageId());
    }
    if (log.isPresent()) {
      try {
        log.get().append(entry.time(), "execution:" + entry.executionId(), "secret.read", "secret/" + entry.secret(),
            withheld ? "withheld" : "ok", java.util.Map.of("stage", entry.stageId()));
      } catch (RuntimeException e) {
        throw new PipelineException(ErrorCode.AUDIT_UNAVAILABLE, "cannot record a secret read in the audit log: " + e.getMessage(), e);
      }
      return;
    }
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
    if (log.isPresent()) {
      var reads = new org.pipelinekit.core.spi.AuditLog.Query(Optional.empty(), Optional.of("secret.read"), Optional.empty(),
          Optional.empty(), Optional.empty(), 0);
      return log.get().read(reads).stream().map(e -> new Entry(e.time(), e.target().substring("secret/".length())
              + (e.outcome().equals("withheld") ? " (withheld)" : ""),
          e.actor().substring("execution:".length()), e.details().getOrDefault("stage", ""))).toList();
    }
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
