package org.pipelinekit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.secret.EncryptedFileSecretStore;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.jdbc.JdbcStores;

/**
 * Where the commands find secrets: the data directory's encrypted store ({@code secrets.bin}, its key in
 * {@code secrets.key} readable by its owner only, or in $PIPELINEKIT_SECRETS_KEY as base64), and a
 * {@code --secrets-file} of {@code NAME=value} lines, which wins where both name a secret and is never
 * copied anywhere.
 */
final class CliSecrets {
  private static final Pattern LINE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)");

  private CliSecrets() {}

  /** The data directory's encrypted store (made, with its key, when missing). */
  static EncryptedFileSecretStore open(Path dataDir) throws IOException {
    PrivateFiles.createDirectories(dataDir);
    return new EncryptedFileSecretStore(dataDir.resolve("secrets.bin"), key(dataDir));
  }

  /** A secret store the command opened, closed with it (and the database pool it opened for it), and where it is. */
  record Opened(SecretStore secrets, String where, org.pipelinekit.core.spi.AuditLog audit, AutoCloseable also) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      secrets.close();
      also.close();
    }
  }

  /**
   * A project's store in the data directory, or with a database, the hosts' shared one (its key in $PIPELINEKIT_SECRETS_KEY
   * or the project's directory of the shared one).
   */
  static Opened open(Path dataDir, String project, DatabaseOptions database) throws IOException {
    Path projectDir = Projects.dataDir(dataDir, project);
    String of = project.equals(Projects.DEFAULT) ? "" : " (project " + project + ")";
    if (database.url == null) return new Opened(open(projectDir), projectDir + of, CliAudit.of(projectDir, null), () -> { });
    if (database.sharedDir == null) {
      throw new PipelineException(ErrorCode.SECRETS_UNAVAILABLE, "--database needs --shared-dir: the hosts' secrets key is kept there");
    }
    JdbcStores db = database.open(Projects.schema(project)).orElseThrow();
    return new Opened(shared(db, Projects.dataDir(database.sharedDir, project)), "the database" + of, db.auditLog(), db);
  }

  /** The secrets of the hosts serving {@code db}: sealed in the database under the key of {@code sharedDir} (or $PIPELINEKIT_SECRETS_KEY). */
  static SecretStore shared(JdbcStores db, Path sharedDir) throws IOException {
    PrivateFiles.createDirectories(sharedDir);
    return db.secrets(key(sharedDir));
  }

  /** $PIPELINEKIT_SECRETS_KEY as base64, else {@code secrets.key} in {@code dir} (made, readable by its owner only, when missing). */
  private static byte[] key(Path dir) throws IOException {
    String fromEnv = System.getenv("PIPELINEKIT_SECRETS_KEY");
    if (fromEnv != null && !fromEnv.isBlank()) return EncryptedFileSecretStore.keyFromBase64(fromEnv);
    Path file = dir.resolve("secrets.key");
    if (!Files.exists(file)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(file, key);
    }
    return Files.readAllBytes(file);
  }

  /** The secrets a run or a server uses: the data directory's store (if it has one, or always when asked), then the file's. */
  static SecretStore forCommand(Optional<Path> dataDir, Optional<Path> secretsFile) throws IOException {
    // without a file, the data directory's own store, read live (a server sees secrets set later)
    boolean stored = dataDir.isPresent() && (secretsFile.isEmpty() || Files.exists(dataDir.get().resolve("secrets.bin")));
    return overlay(stored ? open(dataDir.get()) : new InMemorySecretStore(), secretsFile);
  }

  /** {@code stored}, or with a {@code --secrets-file}, its values and the file's (the file wins), read now. */
  static SecretStore overlay(SecretStore stored, Optional<Path> secretsFile) throws IOException {
    if (secretsFile.isEmpty()) return stored;
    Map<String, String> all = new LinkedHashMap<>();
    for (String name : stored.names()) stored.get(name).ifPresent(v -> all.put(name, v));
    all.putAll(readFile(secretsFile.get()));
    return new InMemorySecretStore(all);
  }

  /** {@code NAME=value} lines; blank lines and {@code #} comments are skipped; a bad line is an error naming its number. */
  static Map<String, String> readFile(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      var m = LINE.matcher(line.startsWith("export ") ? line.substring(7).strip() : line);
      if (!m.matches()) {
        throw new PipelineException(ErrorCode.SECRETS_FILE_INVALID, file + ":" + (i + 1) + ": expected NAME=value (letters, digits and _ in "
            + "the name); the line is not shown, as it may hold a secret");
      }
      String value = m.group(2);
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      out.put(m.group(1), value);
    }
    return out;
  }
}
