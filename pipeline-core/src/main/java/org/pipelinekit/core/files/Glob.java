package org.pipelinekit.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files below a directory matching glob patterns ({@code **}{@code /TEST-*.xml}, {@code target/*.jar}),
 * relative to it, sorted. A pattern starting with {@code **}{@code /} also matches at the top level,
 * as in GitHub Actions and .gitignore. A pattern that matches a directory ({@code dist}, {@code dist/},
 * {@code build/*}{@code /reports}) takes every file below it, as GitHub's upload-artifact and GitLab's
 * {@code artifacts:paths} do.
 */
public final class Glob {
  private Glob() {}

  public static List<Path> find(Path root, List<String> patterns) {
    List<PathMatcher> matchers = patterns.stream().map(Glob::matcher).toList();
    List<PathMatcher> topLevel = patterns.stream().filter(p -> p.startsWith("**/")).map(p -> matcher(p.substring(3))).toList();
    if (!Files.isDirectory(root)) return List.of();
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(root::relativize)
          .filter(rel -> {
            // the file itself, or one of the directories it is in
            for (int n = rel.getNameCount(); n >= 1; n--) {
              Path p = rel.subpath(0, n);
              if (matchers.stream().anyMatch(m -> m.matches(p)) || (n == 1 && topLevel.stream().anyMatch(m -> m.matches(p)))) return true;
            }
            return false;
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
  }

  private static PathMatcher matcher(String pattern) {
    String p = pattern.startsWith("./") ? pattern.substring(2) : pattern;
    while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
    return FileSystems.getDefault().getPathMatcher("glob:" + p);
  }
}
