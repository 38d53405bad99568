package org.pipelinekit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The projects of a data directory: the default project is the directory itself (as before projects), each other one a
 * data directory of its own under {@code projects/<name>/} — its pipelines, executions, logs, secrets and their key,
 * environments, caches, artifacts, audit log and analytics settings — and, with a database, a schema of its own. Nothing
 * of one is reachable through another's stores.
 */
final class Projects {
  static final String DEFAULT = UsersFile.DEFAULT_PROJECT;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  private Projects() {}

  /** {@code name} when it can name a project, else an error that says what may. */
  static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a project name: lowercase letters, digits and '-', at most 40,"
          + " starting with a letter or digit (web, mobile-app)");
    }
    return name;
  }

  /** Where a project keeps everything: the data directory itself for the default project. */
  static Path dataDir(Path root, String project) {
    checkName(project);
    return project.equals(DEFAULT) ? root : root.resolve("projects").resolve(project);
  }

  /** The database schema of a project's tables; the default project's are in the connection's own schema. */
  static java.util.Optional<String> schema(String project) {
    return project.equals(DEFAULT) ? java.util.Optional.empty() : java.util.Optional.of("pk_project_" + project.replace('-', '_'));
  }

  /** A project's own protected branches and tags. */
  record Protection(List<String> branches, List<String> tags) {}

  /**
   * The protected branches of a project's {@code protected-branches} file — one glob a line ({@code main}, {@code release/*}),
   * {@code tag:} before a tag's ({@code tag:v*}), {@code #} comments — which replace serve's {@code --protected-branch} and
   * {@code --protected-tag} for that project; empty when it has none.
   */
  static java.util.Optional<Protection> protection(Path projectDir) throws IOException {
    Path file = projectDir.resolve("protected-branches");
    if (!Files.isRegularFile(file)) return java.util.Optional.empty();
    List<String> branches = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (String line : Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      if (t.startsWith("tag:")) tags.add(t.substring(4).strip());
      else branches.add(t);
    }
    return java.util.Optional.of(new Protection(List.copyOf(branches), List.copyOf(tags)));
  }

  /** The projects besides the default one that the data directory has, by name. */
  static List<String> existing(Path root) throws IOException {
    Path dir = root.resolve("projects");
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) return names;
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches() && !n.equals(DEFAULT))
          .sorted().forEach(names::add);
    }
    return names;
  }
}
