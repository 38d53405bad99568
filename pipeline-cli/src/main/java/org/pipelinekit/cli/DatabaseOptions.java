package org.pipelinekit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.pipelinekit.jdbc.JdbcStores;
import picocli.CommandLine.Option;

/** The options that put a command on the PostgreSQL database the hosts share ({@code serve}, {@code secrets}). */
final class DatabaseOptions {
  @Option(names = "--database", paramLabel = "JDBC_URL", description = "The PostgreSQL database the hosts share"
      + " (jdbc:postgresql://host:5432/name): pipelines, executions and logs, and with --shared-dir the records of artifacts"
      + " and caches and the secrets (docs/CLUSTER.md)")
  String url;

  @Option(names = "--database-user", paramLabel = "USER", description = "The database user (default: $PIPELINEKIT_DATABASE_USER)")
  String user;

  @Option(names = "--database-password-file", paramLabel = "FILE", description = "A file whose first line is the database"
      + " password (default: $PIPELINEKIT_DATABASE_PASSWORD)")
  Path passwordFile;

  @Option(names = "--shared-dir", paramLabel = "DIR", description = "With --database: a directory every host mounts at the same"
      + " path, for the content of artifacts and caches, the artifacts' signing key and the secrets' key; with serve also the"
      + " runs directory, so every host runs the cluster's jobs")
  Path sharedDir;

  /** The stores on the database these options name, or none without {@code --database}. */
  Optional<JdbcStores> open() throws IOException {
    return open(Optional.empty());
  }

  /** The same, with the tables in {@code schema} (a project's) when one is given. */
  Optional<JdbcStores> open(Optional<String> schema) throws IOException {
    if (url == null) return Optional.empty();
    String name = user != null ? user : System.getenv("PIPELINEKIT_DATABASE_USER");
    String password = passwordFile != null ? firstLine(passwordFile, "--database-password-file")
        : Optional.ofNullable(System.getenv("PIPELINEKIT_DATABASE_PASSWORD")).orElse("");
    return Optional.of(JdbcStores.open(url, name, password, schema));
  }

  /** The URL without its query, which may carry a password: for what a command prints. */
  String where() {
    return url.replaceAll("\\?.*", "");
  }

  Optional<Path> sharedDir() {
    return Optional.ofNullable(sharedDir);
  }

  /** The first line of a file an option names (a token, a password), an error saying so when it has none. */
  static String firstLine(Path file, String option) throws IOException {
    String line = Files.readString(file).lines().findFirst().orElse("").strip();
    if (line.isEmpty()) throw new IllegalArgumentException(option + " " + file + " is empty; put the value on its first line");
    return line;
  }
}
