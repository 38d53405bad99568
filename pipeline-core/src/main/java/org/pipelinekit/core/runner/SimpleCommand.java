package org.pipelinekit.core.runner;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises commands that mean the same run directly as through {@code sh -c}: words of plain
 * characters only (no quotes, variables, globs, redirections, pipes, separators or comments), the
 * first naming an executable program that is not a shell builtin or keyword. Anything else goes
 * through the shell.
 */
final class SimpleCommand {
  private static final Set<String> SHELL_WORDS = Set.of(".", ":", "[", "alias", "bg", "break", "cd", "command", "continue",
      "eval", "exec", "exit", "export", "fg", "getopts", "hash", "jobs", "kill", "local", "read", "readonly", "return", "set",
      "shift", "source", "test", "times", "trap", "type", "ulimit", "umask", "unalias", "unset", "wait", "if", "then", "else",
      "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function", "time", "!", "{", "}");

  private SimpleCommand() {}

  static Optional<List<String>> parse(String command, String path, Path workingDirectory) {
    String c = command.strip();
    if (c.isEmpty()) return Optional.empty();
    for (int i = 0; i < c.length(); i++) {
      char ch = c.charAt(i);
      boolean plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
          || ch == ' ' || "-_./:=+,@%".indexOf(ch) >= 0;
      if (!plain) return Optional.empty();
    }
    List<String> words = List.of(c.split(" +"));
    String program = words.get(0);
    if (SHELL_WORDS.contains(program) || program.contains("=")) return Optional.empty();
    return executable(program, path, workingDirectory).map(p -> {
      java.util.ArrayList<String> argv = new java.util.ArrayList<>(words);
      argv.set(0, p);
      return List.copyOf(argv);
    });
  }

  /** The program's path, found as the shell would; empty when it is not there (the shell then says so, exit 127). */
  private static Optional<String> executable(String program, String path, Path workingDirectory) {
    if (program.contains("/")) {
      Path p = workingDirectory.resolve(program);
      return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p.toString()) : Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) return Optional.of(candidate.toString());
    }
    return Optional.empty();
  }
}
